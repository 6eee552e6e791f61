namespace Orchestrator.Contracts;

/// <summary>
/// Hedged calls: when a call's attempt is slow, another attempt is started beside it (on the dependency again, or
/// on its replica), and the first answer wins; the attempts still running are cancelled. Each hedge is a real
/// attempt: it takes its own running place in the bulkhead, the breaker's permit and the rate limit's permit (or,
/// on the replica, the replica's), and it is paid from the retry budget; a hedge that cannot have them is not made.
/// Hedges answer slowness; failures are for retries: a failed attempt starts no hedge, and decides (a retry, or the
/// fallback chain) once no other attempt of its call runs. Off by default (<see cref="MaxHedges"/> 0).
/// </summary>
public sealed class HedgingOptions : FreezableOptions
{
    /// <summary>The most hedges per call (over all its tries), besides its own attempts. 0 (the default): no hedging.</summary>
    public int MaxHedges { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>
    /// How long an attempt may run before the next hedge starts. With <see cref="Percentile"/>, the wait until enough
    /// answers were seen to know the percentile. 0 starts every hedge at once. Default 1 s.
    /// </summary>
    public TimeSpan Delay { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// When set (for example 95): the wait before a hedge is this percentile of the latency of the dependency's last
    /// answers (<see cref="LatencySamples"/> of them), so that only the slowest calls are hedged whatever the
    /// dependency's usual speed. Until <see cref="MinimumSamples"/> answers were seen, <see cref="Delay"/>. Default: empty (the fixed <see cref="Delay"/>).
    /// </summary>
    public double? Percentile { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>Where hedges go: the dependency again (the default), or its <c>Replica</c> (for the calls that carry replica work).</summary>
    public HedgeTarget Target { get; set { ThrowIfFrozen(); field = value; } } = HedgeTarget.Primary;

    /// <summary>Whether calls are hedged (<see cref="MaxHedges"/> above 0).</summary>
    public bool Enabled => MaxHedges > 0;

    /// <summary>The most hedges a call may have.</summary>
    public const int MaxHedgesLimit = 10;

    /// <summary>How many recent answers the percentile is taken over.</summary>
    public const int LatencySamples = 256;

    /// <summary>How many answers must be seen before the percentile replaces <see cref="Delay"/>.</summary>
    public const int MinimumSamples = 20;

    internal void Validate(string path, List<string> errors)
    {
        if (MaxHedges is < 0 or > MaxHedgesLimit)
            errors.Add($"{path}:MaxHedges must be between 0 (no hedging) and {MaxHedgesLimit}, not {MaxHedges}.");
        if (Delay < TimeSpan.Zero || Delay > GuardedCall.MaxTimeout)
            errors.Add($"{path}:Delay must be between 0 and {GuardedCall.MaxTimeout}, not {Delay}.");
        if (Percentile is { } p && (double.IsNaN(p) || p < 1 || p > 99.9))
            errors.Add($"{path}:Percentile must be between 1 and 99.9, or empty (the fixed Delay), not {p}.");
        if (!Enum.IsDefined(Target))
            errors.Add($"{path}:Target must be Primary or Replica, not {Target}.");
    }
}

/// <summary>Where a dependency's hedges go.</summary>
public enum HedgeTarget
{
    /// <summary>The dependency again: another attempt of the call's work.</summary>
    Primary,

    /// <summary>
    /// The dependency's <c>Replica</c>: the call's replica work, as a call of the replica (its own breaker, bulkhead and
    /// rate limit); calls without replica work hedge on the dependency itself.
    /// </summary>
    Replica,
}
