namespace Orchestrator.Contracts;

/// <summary>How one dependency is guarded.</summary>
public sealed class DependencyOptions : FreezableOptions
{
    /// <summary>The timeout of a call that sets none. Default 5 s.</summary>
    public TimeSpan Timeout { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(5);

    /// <summary>The dependency's circuit breaker.</summary>
    public CircuitBreakerOptions Breaker { get; set { ThrowIfFrozen(); field = value; } } = new();

    /// <summary>The dependency's bulkhead.</summary>
    public BulkheadOptions Bulkhead { get; set { ThrowIfFrozen(); field = value; } } = new();

    /// <summary>The dependency's rate limit per node (off by default).</summary>
    public RateLimitOptions RateLimit { get; set { ThrowIfFrozen(); field = value; } } = new();

    /// <summary>The dependency's retries (off by default).</summary>
    public RetryOptions Retry { get; set { ThrowIfFrozen(); field = value; } } = new();

    /// <summary>The dependency's hedged calls (off by default).</summary>
    public HedgingOptions Hedging { get; set { ThrowIfFrozen(); field = value; } } = new();

    /// <summary>The dependency's cache of answers (off by default).</summary>
    public CacheOptions Cache { get; set { ThrowIfFrozen(); field = value; } } = new();

    /// <summary>How the breaker takes part in the cluster (when the actor system is clustered).</summary>
    public ClusterBreakerOptions Cluster { get; set { ThrowIfFrozen(); field = value; } } = new();

    /// <summary>
    /// Another declared dependency that can answer the same calls, perhaps with older data (a read replica, an
    /// alternate provider). Calls that carry <c>ReplicaWork</c> fall back to it, guarded by its own breaker and
    /// bulkhead; its answers are marked possibly stale. Default: none.
    /// </summary>
    public string? Replica { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>
    /// In code only: the answer given when a call fails and carries no fallback of its own, if its type fits the
    /// call's result type. Null: no default.
    /// </summary>
    public object? DefaultFallback { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>
    /// In code only: a cheap health call of the dependency (completes: healthy; throws or times out: unhealthy). When
    /// set, the breaker does not wait for callers' traffic to learn whether the dependency recovered: once its open
    /// period ends (on the node that probes for the cluster, or on a node alone), the dependency's actor runs this as
    /// the half-open probe itself. Callers' calls may still be probes as well. Null (default): only calls probe.
    /// </summary>
    public Func<CancellationToken, Task>? Probe { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>The timeout of one run of <see cref="Probe"/>. Null (default): the dependency's <see cref="Timeout"/>.</summary>
    public TimeSpan? ProbeTimeout { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>The timeout of one run of <see cref="Probe"/>: <see cref="ProbeTimeout"/>, else <see cref="Timeout"/>.</summary>
    public TimeSpan EffectiveProbeTimeout => ProbeTimeout ?? Timeout;

    private protected override void FreezeParts()
    {
        Breaker?.Freeze();
        Bulkhead?.Freeze();
        RateLimit?.Freeze();
        Retry?.Freeze();
        Hedging?.Freeze();
        Cache?.Freeze();
        Cluster?.Freeze();
    }

    internal void Validate(string path, List<string> errors)
    {
        if (Timeout <= TimeSpan.Zero || Timeout > GuardedCall.MaxTimeout)
            errors.Add($"{path}:Timeout must be positive and at most {GuardedCall.MaxTimeout}, not {Timeout}.");
        if (ProbeTimeout is { } probeTimeout && (probeTimeout <= TimeSpan.Zero || probeTimeout > GuardedCall.MaxTimeout))
            errors.Add($"{path}:ProbeTimeout must be positive and at most {GuardedCall.MaxTimeout}, or empty (the Timeout), not {probeTimeout}.");
        if (Breaker is null) errors.Add($"{path}:Breaker is missing.");
        else Breaker.Validate($"{path}:Breaker", errors);
        if (Bulkhead is null) errors.Add($"{path}:Bulkhead is missing.");
        else Bulkhead.Validate($"{path}:Bulkhead", errors);
        if (RateLimit is null) errors.Add($"{path}:RateLimit is missing.");
        else RateLimit.Validate($"{path}:RateLimit", errors);
        if (Retry is null) errors.Add($"{path}:Retry is missing.");
        else Retry.Validate($"{path}:Retry", errors);
        if (Hedging is null) errors.Add($"{path}:Hedging is missing.");
        else
        {
            Hedging.Validate($"{path}:Hedging", errors);
            if (Hedging.Target == HedgeTarget.Replica && Replica is null)
                errors.Add($"{path}:Hedging:Target is Replica, but {path}:Replica names no replica: set Replica, or Target to Primary.");
        }
        if (Cache is null) errors.Add($"{path}:Cache is missing.");
        else Cache.Validate($"{path}:Cache", errors);
        if (Cluster is null) errors.Add($"{path}:Cluster is missing.");
        else Cluster.Validate($"{path}:Cluster", errors);
    }
}
