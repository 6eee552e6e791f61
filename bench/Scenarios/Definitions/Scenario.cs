using Orchestrator.Contracts;

namespace Orchestrator.Bench.Scenarios.Definitions;

/// <summary>
/// A scripted run: the dependencies, the load (calls per second, spread evenly over the dependencies, tiers in
/// the given mix), each caller's deadline, and the fault window as shares of the run's duration.
/// </summary>
public sealed record Scenario(
    string Name,
    string Description,
    IReadOnlyList<DependencySpec> Dependencies,
    double LoadFactor,
    TimeSpan Deadline,
    double FaultStarts,
    double FaultEnds)
{
    /// <summary>Share of the calls per tier: CRITICAL, IMPORTANT, OPTIONAL (in tenths; they add up to 10).</summary>
    public static readonly IReadOnlyList<(Tier Tier, int Tenths)> TierMix = [(Tier.Critical, 2), (Tier.Important, 3), (Tier.Optional, 5)];

    /// <summary>Calls per second all dependencies serve together at their normal latency.</summary>
    public double Capacity => Dependencies.Sum(d => d.Capacity);

    /// <summary>Calls per second sent: <see cref="LoadFactor"/> times the capacity.</summary>
    public double Rate => LoadFactor * Capacity;

    /// <summary>Whether a dependency misbehaves during a window of the run.</summary>
    public bool HasFault => Dependencies.Any(d => d.IsFaulty);

    /// <summary>The tier of the i-th call: a fixed pattern that follows <see cref="TierMix"/>.</summary>
    public static Tier TierOf(long index)
    {
        var tenth = (int)(index % 10);
        foreach (var (tier, tenths) in TierMix)
        {
            if (tenth < tenths) return tier;
            tenth -= tenths;
        }
        return Tier.Optional;
    }

    /// <summary>The dependency of the i-th call (round robin, shifted every ten calls so each tier reaches each dependency).</summary>
    public DependencySpec DependencyOf(long index) => Dependencies[(int)((index + index / 10) % Dependencies.Count)];

    /// <summary>Requests with bad input sent beside the normal load during the fault window (null: none).</summary>
    public FloodSpec? Flood { get; init; }

    /// <summary>How long each way runs, when the scenario needs longer than the runner's default (the quick run ignores it).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>
    /// For a scenario about slow calls: the fixed wait before a hedge, the same for Polly's hedging and the
    /// orchestrator's; the scenario then also runs the hedging ways. Null (the default): no hedging ways.
    /// </summary>
    public TimeSpan? HedgeDelay { get; init; }

    /// <summary>
    /// The ways the scenario runs: the three; for a flood also the orchestrator that counts caller errors; for a
    /// scenario with a <see cref="HedgeDelay"/> also Polly and the orchestrator with hedging (fixed delay, and the
    /// orchestrator with a percentile delay), each beside its way without.
    /// </summary>
    public IReadOnlyList<Ways.ProtectionKind> Ways => (Flood, HedgeDelay) switch
    {
        (not null, _) => [Scenarios.Ways.ProtectionKind.None, Scenarios.Ways.ProtectionKind.Polly, Scenarios.Ways.ProtectionKind.OrchestratorCountingCallerErrors,
            Scenarios.Ways.ProtectionKind.Orchestrator],
        (_, not null) => [Scenarios.Ways.ProtectionKind.None, Scenarios.Ways.ProtectionKind.Polly, Scenarios.Ways.ProtectionKind.PollyHedging,
            Scenarios.Ways.ProtectionKind.Orchestrator, Scenarios.Ways.ProtectionKind.OrchestratorHedging, Scenarios.Ways.ProtectionKind.OrchestratorHedgingP90],
        _ => [Scenarios.Ways.ProtectionKind.None, Scenarios.Ways.ProtectionKind.Polly, Scenarios.Ways.ProtectionKind.Orchestrator],
    };
}

/// <summary>
/// A flood of requests a caller got wrong (ids that do not exist): <paramref name="PerSecond"/> a second to
/// <paramref name="Dependency"/>, which answers each with a 404 (after a few milliseconds of a worker's time).
/// </summary>
public sealed record FloodSpec(string Dependency, double PerSecond);
