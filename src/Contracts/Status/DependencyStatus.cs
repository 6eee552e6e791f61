namespace Orchestrator.Contracts;

/// <summary>Everything a person wants to know about one dependency at one moment.</summary>
public sealed record DependencyStatus(string Name, BreakerSnapshot Breaker, BulkheadSnapshot Bulkhead, CallCounters Calls, TimeSpan DefaultTimeout)
{
    /// <summary>The cache, when the dependency has one.</summary>
    public CacheSnapshot? Cache { get; init; }

    /// <summary>The retries, when the dependency retries.</summary>
    public RetrySnapshot? Retry { get; init; }

    /// <summary>The dependency's hedged calls; null when it hedges none.</summary>
    public HedgingSnapshot? Hedging { get; init; }

    /// <summary>The rate limit on this node, when the dependency has one.</summary>
    public RateLimitSnapshot? RateLimit { get; init; }

    /// <summary>The replica it falls back to, if any.</summary>
    public string? Replica { get; init; }

    /// <summary>Set when the dependency's actor could not report (it stopped): why. The other values are then placeholders.</summary>
    public string? Unavailable { get; init; }

    /// <summary>The fault injected into this dependency on this node, if any (<see cref="InjectFault"/>).</summary>
    public FaultStatus? Fault { get; init; }

    /// <summary>The last change of its options at run time (<see cref="ChangeDependencyOptions"/>, or a reload of configuration), taken or refused; null when none was tried.</summary>
    public OptionsChangeResult? LastOptionsChange { get; init; }
}
