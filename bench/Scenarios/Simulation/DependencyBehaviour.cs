namespace Orchestrator.Bench.Scenarios.Simulation;

/// <summary>How a simulated dependency behaves at one moment: its latency, or down (failing after a delay).</summary>
public sealed record DependencyBehaviour(TimeSpan Latency, bool Down, TimeSpan FailAfter)
{
    /// <summary>Healthy, answering after <paramref name="latency"/> (once a worker is free).</summary>
    public static DependencyBehaviour Healthy(TimeSpan latency) => new(latency, false, TimeSpan.Zero);

    /// <summary>Down: every call fails after <paramref name="failAfter"/> (a refused or a hanging connection).</summary>
    public static DependencyBehaviour Outage(TimeSpan failAfter) => new(TimeSpan.Zero, true, failAfter);
}
