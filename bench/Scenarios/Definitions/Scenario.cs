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
}
