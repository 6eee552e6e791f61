using Orchestrator.Bench.Scenarios.Simulation;

namespace Orchestrator.Bench.Scenarios.Definitions;

/// <summary>The scenarios the runner knows, by name.</summary>
public static class ScenarioCatalog
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(300);
    private const int Workers = 10; // 10 workers at 20 ms: 500 calls per second per dependency

    public static IReadOnlyList<Scenario> All { get; } =
    [
        new("outage",
            "Two dependencies at half their capacity; 'payments' goes fully down (every call hangs 1 s, then fails) from 25% to 60% of the run.",
            [new("catalog", Workers, Latency), new("payments", Workers, Latency, DependencyBehaviour.Outage(TimeSpan.FromSeconds(1)))],
            LoadFactor: 0.5, Deadline, FaultStarts: 0.25, FaultEnds: 0.60),
        new("latency-spike",
            "Two dependencies at half their capacity; the latency of 'search' rises from 20 ms to 400 ms (beyond the 300 ms deadline) from 25% to 60% of the run.",
            [new("catalog", Workers, Latency), new("search", Workers, Latency, DependencyBehaviour.Healthy(TimeSpan.FromMilliseconds(400)))],
            LoadFactor: 0.5, Deadline, FaultStarts: 0.25, FaultEnds: 0.60),
        new("overload",
            "One dependency sent three times its capacity for the whole run, 20% CRITICAL, 30% IMPORTANT, 50% OPTIONAL calls.",
            [new("catalog", Workers, Latency)],
            LoadFactor: 3.0, Deadline, FaultStarts: 0, FaultEnds: 0),
        new("recovery",
            "Two dependencies at 80% of their capacity; 'inventory' refuses every call (fails in 5 ms) from 20% to 45% of the run, then heals: how soon is it used again?",
            [new("catalog", Workers, Latency), new("inventory", Workers, Latency, DependencyBehaviour.Outage(TimeSpan.FromMilliseconds(5)))],
            LoadFactor: 0.8, Deadline, FaultStarts: 0.20, FaultEnds: 0.45),
        // The spike's window is longer than the other faults' (20% to 80%), so that its slow calls are 3% of all the
        // calls, well above the 1% a p99 looks at in every tier. The load is lower (30%): a slow call holds its worker
        // 250 ms, so 'search' needs about 6.5 of its 10 workers during the spike instead of 3, and has room for hedges.
        new("tail-latency",
            "Two dependencies at 30% of their capacity; from 20% to 80% of the run one call in ten to 'search' (drawn per call) takes 250 ms instead of 20 ms, holding its worker (a slow instance, a GC pause): p99 with and without hedging.",
            [new("catalog", Workers, Latency), new("search", Workers, Latency, DependencyBehaviour.SlowTail(Latency, 0.1, TimeSpan.FromMilliseconds(250)))],
            LoadFactor: 0.3, Deadline, FaultStarts: 0.20, FaultEnds: 0.80)
        {
            HedgeDelay = TimeSpan.FromMilliseconds(50),
        },
        Flood("bad-input-flood-25", 25),
        Flood("bad-input-flood-200", 200),
    ];

    /// <summary>
    /// A quiet shop's normal traffic (20 calls a second over two healthy dependencies), and beside it, from a third
    /// to 85% of a 30 s run, <paramref name="perSecond"/> requests a second for items of 'inventory' that do not exist
    /// (each refused with a 404 in 2 ms). The run is long enough for the stress level to move (it waits 10 s between
    /// changes). A quiet shop, because there the flood is most of what a dependency sees.
    /// </summary>
    private static Scenario Flood(string name, double perSecond) =>
        new(name,
            $"A quiet shop: 20 calls a second to two healthy dependencies; from 33% to 85% of the run {perSecond:0} requests a second ask 'inventory' for items that do not exist (404 in 2 ms): does the normal traffic suffer, does the level move?",
            [new("catalog", Workers, Latency), new("inventory", Workers, Latency)],
            LoadFactor: 0.02, Deadline, FaultStarts: 0.33, FaultEnds: 0.85)
        {
            Flood = new FloodSpec("inventory", perSecond),
            Duration = TimeSpan.FromSeconds(30),
        };

    /// <summary>The valid names, in order.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(s => s.Name).ToList();

    /// <summary>The scenario called <paramref name="name"/>, or null.</summary>
    public static Scenario? Find(string name) => All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
