namespace Orchestrator.Contracts;

/// <summary>When a dependency's circuit breaker opens, and how it recovers.</summary>
public sealed class CircuitBreakerOptions : FreezableOptions
{
    /// <summary>Opens after this many failures in a row. 0 turns the rule off. Default 5.</summary>
    public int FailureThreshold { get; set { ThrowIfFrozen(); field = value; } } = 5;

    /// <summary>Opens when failures / calls in the window reach this ratio (0..1]; null turns the rule off. Default 0.5.</summary>
    public double? FailureRatio { get; set { ThrowIfFrozen(); field = value; } } = 0.5;

    /// <summary>Calls the window must have seen before a ratio rule may open the breaker. Default 10.</summary>
    public int MinimumThroughput { get; set { ThrowIfFrozen(); field = value; } } = 10;

    /// <summary>How far back the sliding window for the ratio rules reaches. Default 30 s.</summary>
    public TimeSpan SamplingWindow { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(30);

    /// <summary>A call that runs at least this long counts as slow; null turns the slow-call rule off. Default null.</summary>
    public TimeSpan? SlowCallDuration { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>Opens when slow calls / calls in the window reach this ratio (0..1]. Default 0.8.</summary>
    public double SlowCallRatio { get; set { ThrowIfFrozen(); field = value; } } = 0.8;

    /// <summary>How long the breaker stays open before it lets probes through. Default 60 s.</summary>
    public TimeSpan ResetTimeout { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(60);

    /// <summary>Each trip without a recovery in between multiplies the reset timeout by this (>= 1). Default 1 (no growth).</summary>
    public double ResetTimeoutMultiplier { get; set { ThrowIfFrozen(); field = value; } } = 1.0;

    /// <summary>The longest the reset timeout may grow to. Default 10 min.</summary>
    public TimeSpan MaxResetTimeout { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromMinutes(10);

    /// <summary>Probe calls half-open lets through; all must succeed to close, one failure reopens. Default 1.</summary>
    public int HalfOpenProbes { get; set { ThrowIfFrozen(); field = value; } } = 1;

    /// <summary>
    /// Full names of exception types (or base types) that count as failures. Empty: every exception counts
    /// except those in <see cref="IgnoredExceptions"/> and the caller's own faults (see <see cref="Handles"/>).
    /// Timeouts always count.
    /// </summary>
    public IList<string> HandledExceptions { get; set { ThrowIfFrozen(); field = value; } } = [];

    /// <summary>Full names of exception types (or base types) that never count as failures (the caller's mistake, not the dependency's).</summary>
    public IList<string> IgnoredExceptions { get; set { ThrowIfFrozen(); field = value; } } = [];

    /// <summary>In code only: decides whether an exception counts as a failure; overrides the two lists and the defaults.</summary>
    public Func<Exception, bool>? ShouldHandle { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>
    /// In code only: decides whether an answer of the work counts as a failure (an error page returned as a value,
    /// say). Null: every answer is a success. A call's own <c>ShouldHandleResult</c> overrides it.
    /// </summary>
    public Func<object?, bool>? ShouldHandleResult { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>The most probes half-open may let through.</summary>
    public const int MaxHalfOpenProbes = 1000;

    /// <summary>
    /// Whether <paramref name="error"/> counts as a failure of the dependency. <see cref="ShouldHandle"/> decides when
    /// set; else an ignored type never counts, and when <see cref="HandledExceptions"/> is set only those types count.
    /// Otherwise every exception counts except the caller's own faults (<see cref="IsCallersFault"/>).
    /// </summary>
    public bool Handles(Exception error)
    {
        if (ShouldHandle is not null) return ShouldHandle(error);
        if (Matches(error, IgnoredExceptions)) return false;
        if (HandledExceptions.Count > 0) return Matches(error, HandledExceptions);
        return !IsCallersFault(error);
    }

    /// <summary>
    /// The faults that say nothing about the dependency's health, so never count by default: a bad argument or a
    /// failed validation (<see cref="ArgumentException"/> and its kin, <c>ValidationException</c>); an HTTP answer
    /// 4xx other than 408 (timeout) and 429 (too many requests), which says the request was wrong; and a
    /// cancellation that the orchestrator did not cause (the caller's own token), unless it stands for a timeout.
    /// </summary>
    public static bool IsCallersFault(Exception error) => error switch
    {
        ArgumentException => true,
        HttpRequestException { StatusCode: { } status } => (int)status is >= 400 and < 500 and not 408 and not 429,
        OperationCanceledException { InnerException: TimeoutException } => false,
        OperationCanceledException => true,
        _ => error.GetType().FullName == "System.ComponentModel.DataAnnotations.ValidationException",
    };

    private static bool Matches(Exception error, IList<string> typeNames)
    {
        if (typeNames.Count == 0) return false;
        for (var t = error.GetType(); t is not null; t = t.BaseType)
            if (typeNames.Contains(t.FullName ?? t.Name) || typeNames.Contains(t.Name)) return true;
        return false;
    }

    private protected override void FreezeParts()
    {
        HandledExceptions = ReadOnly(HandledExceptions);
        IgnoredExceptions = ReadOnly(IgnoredExceptions);
    }

    internal void Validate(string path, List<string> errors)
    {
        if (FailureThreshold < 0) errors.Add($"{path}:FailureThreshold must be 0 (off) or more, not {FailureThreshold}.");
        if (FailureRatio is { } r && (r <= 0 || r > 1 || double.IsNaN(r))) errors.Add($"{path}:FailureRatio must be in (0, 1] or empty, not {r}.");
        if (MinimumThroughput < 1) errors.Add($"{path}:MinimumThroughput must be at least 1, not {MinimumThroughput}.");
        if (SamplingWindow <= TimeSpan.Zero) errors.Add($"{path}:SamplingWindow must be positive, not {SamplingWindow}.");
        if (SlowCallDuration is { } s && s <= TimeSpan.Zero) errors.Add($"{path}:SlowCallDuration must be positive or empty, not {s}.");
        if (SlowCallRatio <= 0 || SlowCallRatio > 1 || double.IsNaN(SlowCallRatio)) errors.Add($"{path}:SlowCallRatio must be in (0, 1], not {SlowCallRatio}.");
        if (ResetTimeout <= TimeSpan.Zero) errors.Add($"{path}:ResetTimeout must be positive, not {ResetTimeout}.");
        if (ResetTimeoutMultiplier < 1 || double.IsNaN(ResetTimeoutMultiplier)) errors.Add($"{path}:ResetTimeoutMultiplier must be 1 or more, not {ResetTimeoutMultiplier}.");
        if (MaxResetTimeout < ResetTimeout) errors.Add($"{path}:MaxResetTimeout ({MaxResetTimeout}) must not be shorter than ResetTimeout ({ResetTimeout}).");
        if (HalfOpenProbes is < 1 or > MaxHalfOpenProbes) errors.Add($"{path}:HalfOpenProbes must be between 1 and {MaxHalfOpenProbes}, not {HalfOpenProbes}.");
        if (FailureThreshold == 0 && FailureRatio is null && SlowCallDuration is null)
            errors.Add($"{path}: every rule is off (FailureThreshold 0, no FailureRatio, no SlowCallDuration), so the breaker could never open.");
        foreach (var name in HandledExceptions.Concat(IgnoredExceptions))
            if (string.IsNullOrWhiteSpace(name)) errors.Add($"{path}: an exception type name in HandledExceptions or IgnoredExceptions is empty.");
    }
}
