namespace Orchestrator.Contracts;

/// <summary>
/// How many attempts one node may make on a dependency per period, to respect a third party's quota (System.Threading.RateLimiting).
/// Every attempt that reaches the dependency takes a permit: first attempts, retries, cache fetches and refreshes;
/// answers from the cache take none. A call without a permit is turned away at once (<c>RateLimited</c>: the
/// fallback chain, never counted against the dependency), or, with <see cref="QueueLimit"/>, waits for the next one.
/// The limit is per node: a cluster of N nodes may make N times as many attempts.
/// </summary>
public sealed class RateLimitOptions : FreezableOptions
{
    /// <summary>The most attempts allowed per <see cref="Period"/>. 0 (the default): no limit.</summary>
    public int PermitsPerPeriod { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>The period the permits are counted over. Default 1 s.</summary>
    public TimeSpan Period { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(1);

    /// <summary>How permits come back: a token bucket (the default) or a sliding window.</summary>
    public RateLimitAlgorithm Algorithm { get; set { ThrowIfFrozen(); field = value; } } = RateLimitAlgorithm.TokenBucket;

    /// <summary>
    /// Token bucket only: the most permits saved up while the dependency is quiet, spent by a burst. Default (empty):
    /// <see cref="PermitsPerPeriod"/>.
    /// </summary>
    public int? Burst { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>Sliding window only: the segments the period is cut into (permits come back one segment at a time). Default 4.</summary>
    public int Segments { get; set { ThrowIfFrozen(); field = value; } } = 4;

    /// <summary>
    /// The most calls that may wait for a permit (each at most its timeout, and never past its deadline); beyond
    /// that calls are turned away at once. Default 0: none wait.
    /// </summary>
    public int QueueLimit { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>Whether attempts are limited (<see cref="PermitsPerPeriod"/> above 0).</summary>
    public bool Enabled => PermitsPerPeriod > 0;

    /// <summary>The most permits that can be saved up: <see cref="Burst"/> (token bucket) or <see cref="PermitsPerPeriod"/>.</summary>
    public int EffectiveBurst => Algorithm == RateLimitAlgorithm.TokenBucket ? Burst ?? PermitsPerPeriod : PermitsPerPeriod;

    /// <summary>The most any of the limits here may be.</summary>
    public const int MaxPermits = 1_000_000;

    /// <summary>The most calls that may wait for a permit.</summary>
    public const int MaxQueueLimit = 100_000;

    internal void Validate(string path, List<string> errors)
    {
        if (PermitsPerPeriod is < 0 or > MaxPermits)
            errors.Add($"{path}:PermitsPerPeriod must be between 0 (no limit) and {MaxPermits}, not {PermitsPerPeriod}.");
        if (Period < TimeSpan.FromMilliseconds(1) || Period > TimeSpan.FromHours(1))
            errors.Add($"{path}:Period must be between 1 ms and 1 h, not {Period}.");
        if (!Enum.IsDefined(Algorithm))
            errors.Add($"{path}:Algorithm must be TokenBucket or SlidingWindow, not {Algorithm}.");
        if (Burst is { } burst && (burst < 1 || burst > MaxPermits))
            errors.Add($"{path}:Burst must be between 1 and {MaxPermits}, or empty (PermitsPerPeriod), not {burst}.");
        else if (Burst is { } b && Enabled && b < PermitsPerPeriod)
            errors.Add($"{path}:Burst ({b}) must not be below PermitsPerPeriod ({PermitsPerPeriod}): a full period's permits could not be held.");
        if (Burst is not null && Algorithm == RateLimitAlgorithm.SlidingWindow)
            errors.Add($"{path}:Burst applies to the token bucket only; a sliding window holds PermitsPerPeriod. Remove it, or set Algorithm to TokenBucket.");
        if (Segments is < 1 or > 1000)
            errors.Add($"{path}:Segments must be between 1 and 1000, not {Segments}.");
        else if (Algorithm == RateLimitAlgorithm.SlidingWindow && Period / Segments < TimeSpan.FromMilliseconds(1))
            errors.Add($"{path}:Segments ({Segments}) cuts the Period ({Period}) into pieces shorter than 1 ms.");
        if (QueueLimit is < 0 or > MaxQueueLimit)
            errors.Add($"{path}:QueueLimit must be between 0 (none wait) and {MaxQueueLimit}, not {QueueLimit}.");
    }
}

/// <summary>How a dependency's rate limit gives permits back.</summary>
public enum RateLimitAlgorithm
{
    /// <summary>A bucket of <c>Burst</c> permits, refilled by <c>PermitsPerPeriod</c> every period: allows bursts up to the bucket.</summary>
    TokenBucket,

    /// <summary>At most <c>PermitsPerPeriod</c> in any window of one period (counted in segments): no bursts beyond the limit.</summary>
    SlidingWindow,
}
