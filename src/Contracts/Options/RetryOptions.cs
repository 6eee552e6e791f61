namespace Orchestrator.Contracts;

/// <summary>When and how a dependency's failed calls are tried again.</summary>
public sealed class RetryOptions : FreezableOptions
{
    /// <summary>Attempts per call, the first one included. 1 (the default) means no retries; 3 is usual.</summary>
    public int MaxAttempts { get; set { ThrowIfFrozen(); field = value; } } = 1;

    /// <summary>The ceiling of the first backoff; each retry doubles it. Default 100 ms.</summary>
    public TimeSpan BaseDelay { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromMilliseconds(100);

    /// <summary>The most any backoff may be. Default 2 s.</summary>
    public TimeSpan MaxDelay { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(2);

    /// <summary>Retries may add at most this share of the first attempts over <see cref="BudgetWindow"/>. Default 0.1 (10%).</summary>
    public double BudgetRatio { get; set { ThrowIfFrozen(); field = value; } } = 0.1;

    /// <summary>Retries always allowed per window on top of the ratio, so a quiet dependency can retry. Default 3.</summary>
    public int BudgetFloor { get; set { ThrowIfFrozen(); field = value; } } = 3;

    /// <summary>The window over which the retry budget is counted. Default 10 s.</summary>
    public TimeSpan BudgetWindow { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Full names of exception types (or base types) retried besides the default transient ones (timeouts,
    /// network errors, HTTP 5xx and 429).
    /// </summary>
    public IList<string> RetryOn { get; set { ThrowIfFrozen(); field = value; } } = [];

    /// <summary>In code only: decides whether a failure is worth retrying; replaces the defaults and <see cref="RetryOn"/>.</summary>
    public Func<Exception, bool>? ShouldRetry { get; set { ThrowIfFrozen(); field = value; } }

    private protected override void FreezeParts() => RetryOn = ReadOnly(RetryOn);

    internal void Validate(string path, List<string> errors)
    {
        if (MaxAttempts is < 1 or > 10) errors.Add($"{path}:MaxAttempts must be between 1 (no retries) and 10, not {MaxAttempts}.");
        if (BaseDelay <= TimeSpan.Zero) errors.Add($"{path}:BaseDelay must be positive, not {BaseDelay}.");
        if (MaxDelay < BaseDelay) errors.Add($"{path}:MaxDelay ({MaxDelay}) must not be shorter than BaseDelay ({BaseDelay}).");
        if (BudgetRatio < 0 || BudgetRatio > 10 || double.IsNaN(BudgetRatio)) errors.Add($"{path}:BudgetRatio must be between 0 and 10, not {BudgetRatio}.");
        if (BudgetFloor < 0) errors.Add($"{path}:BudgetFloor must be 0 or more, not {BudgetFloor}.");
        if (BudgetWindow <= TimeSpan.Zero) errors.Add($"{path}:BudgetWindow must be positive, not {BudgetWindow}.");
        foreach (var name in RetryOn)
            if (string.IsNullOrWhiteSpace(name)) errors.Add($"{path}:RetryOn has an empty exception type name.");
    }
}
