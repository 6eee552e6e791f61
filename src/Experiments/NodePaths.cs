namespace Orchestrator.Experiments;

/// <summary>The node's HTTP endpoints an experiment runs through (the node maps them at these paths).</summary>
public static class NodePaths
{
    /// <summary><c>POST</c>: kills the node (a kill step); <c>DELETE</c> is never sent.</summary>
    public const string Kill = "/api/node/kill";

    /// <summary><c>POST /api/faults/{dependency}</c> injects a fault; <c>DELETE ...?scope=node|cluster</c> clears it; <c>GET /api/faults</c> lists the active ones.</summary>
    public const string Faults = "/api/faults";

    /// <summary>The node's dependencies: breakers, bulkheads, counters and faults.</summary>
    public const string Status = "/api/status";

    /// <summary>The demo node's stand-in services' chaos (<c>GET</c> lists it); other nodes answer 404.</summary>
    public const string DemoChaos = "/api/demo/services";

    /// <summary>The node's Prometheus metrics, read by metric probes.</summary>
    public const string Metrics = "/metrics";

    /// <summary>Whether the node's process answers (after a kill, the runner waits until it does not).</summary>
    public const string Live = "/health/live";

    /// <summary>Whether the node is ready to take calls.</summary>
    public const string Ready = "/health/ready";

    /// <summary>The path of <paramref name="dependency"/>'s fault.</summary>
    public static string FaultOf(string dependency) => $"{Faults}/{Uri.EscapeDataString(dependency)}";
}
