namespace Orchestrator.Bench.Scenarios.Simulation;

/// <summary>
/// How a simulated dependency behaves at one moment: its latency, or down (failing after a delay); and, for a tail
/// spike, the share of its calls (<see cref="SlowShare"/>, 0 to 1, drawn per call) that take <see cref="SlowLatency"/>
/// instead of <see cref="Latency"/>, holding their worker all that time like any other call.
/// </summary>
public sealed record DependencyBehaviour(TimeSpan Latency, bool Down, TimeSpan FailAfter, double SlowShare = 0, TimeSpan SlowLatency = default)
{
    /// <summary>Healthy, answering after <paramref name="latency"/> (once a worker is free).</summary>
    public static DependencyBehaviour Healthy(TimeSpan latency) => new(latency, false, TimeSpan.Zero);

    /// <summary>Down: every call fails after <paramref name="failAfter"/> (a refused or a hanging connection).</summary>
    public static DependencyBehaviour Outage(TimeSpan failAfter) => new(TimeSpan.Zero, true, failAfter);

    /// <summary>
    /// A slow tail (a slow instance behind the balancer, a GC pause): <paramref name="slowShare"/> of the calls, drawn
    /// per call, answer after <paramref name="slowLatency"/>, the others after <paramref name="latency"/>.
    /// </summary>
    public static DependencyBehaviour SlowTail(TimeSpan latency, double slowShare, TimeSpan slowLatency) =>
        new(latency, false, TimeSpan.Zero, slowShare, slowLatency);
}
