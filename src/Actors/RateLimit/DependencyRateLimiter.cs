using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.RateLimit;

/// <summary>
/// A dependency's rate limit on one node (<see cref="RateLimitOptions"/>): the token bucket or sliding window it
/// names, on the dependency's clock, and whether refusals have been reported. Every attempt takes a permit here, on
/// the caller's side and on the actor's. Thread-safe.
/// </summary>
internal sealed class DependencyRateLimiter : IDisposable
{
    private readonly ClockedRateLimiter _limiter;
    private readonly string _dependency;
    private int _limiting;
    private long _refusedBeforeLimiting;

    public DependencyRateLimiter(string dependency, RateLimitOptions options, TimeProvider time)
    {
        _dependency = dependency;
        Options = options;
        _limiter = options.Algorithm == RateLimitAlgorithm.SlidingWindow
            ? new SlidingWindowLimiter(time, options.PermitsPerPeriod, options.Period, options.Segments)
            : new TokenBucketLimiter(time, options.PermitsPerPeriod, options.Period, options.EffectiveBurst);
    }

    /// <summary>The options the limit was built from.</summary>
    public RateLimitOptions Options { get; }

    /// <summary>Permits given since start.</summary>
    public long Granted => _limiter.GetStatistics().TotalSuccessfulLeases;

    /// <summary>Permits refused since start (a call that waited and was refused again counts again).</summary>
    public long Refused => _limiter.GetStatistics().TotalFailedLeases;

    /// <summary>Permits available now.</summary>
    public long Available => _limiter.GetStatistics().CurrentAvailablePermits;

    /// <summary>
    /// Takes one permit if one is available now. The first refusal since the last <see cref="ClearLimiting"/> returns
    /// with <paramref name="startedLimiting"/> set, for the one who should say so.
    /// </summary>
    public bool TryAcquire(out bool startedLimiting)
    {
        using var lease = _limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            startedLimiting = false;
            return true;
        }
        OrchestratorMetrics.RateLimitRefused(_dependency);
        startedLimiting = Interlocked.CompareExchange(ref _limiting, 1, 0) == 0;
        if (startedLimiting) Interlocked.Exchange(ref _refusedBeforeLimiting, Refused - 1);
        return false;
    }

    /// <summary>Whether a refusal was reported and not yet cleared.</summary>
    public bool Limiting => Volatile.Read(ref _limiting) == 1;

    private int _waiting;

    /// <summary>Calls waiting for permits in the dependency's actor: a caller does not pass them. Changed by that actor only.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>A call began to wait for permits (the dependency's actor only).</summary>
    public void AddWaiter() => Volatile.Write(ref _waiting, _waiting + 1);

    /// <summary>A waiting call gave its place up (the dependency's actor only).</summary>
    public void RemoveWaiter() => Volatile.Write(ref _waiting, _waiting - 1);

    /// <summary>No call waits any more: the actor answered them all (the dependency's actor only).</summary>
    public void ClearWaiters() => Volatile.Write(ref _waiting, 0);

    /// <summary>Refusals since the limit was last reported refusing.</summary>
    public long RefusedSinceLimiting => Refused - Interlocked.Read(ref _refusedBeforeLimiting);

    /// <summary>Clears the report of refusals: the next refusal is reported again.</summary>
    public void ClearLimiting() => Volatile.Write(ref _limiting, 0);

    /// <summary>How long until permits next come back, from now.</summary>
    public TimeSpan UntilNextPermits() => _limiter.UntilNextStep();

    public void Dispose() => _limiter.Dispose();
}
