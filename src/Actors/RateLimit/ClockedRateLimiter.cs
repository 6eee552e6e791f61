using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;

namespace Orchestrator.Actors.RateLimit;

/// <summary>
/// A System.Threading.RateLimiting <see cref="RateLimiter"/> whose permits come back in steps of a
/// <see cref="TimeProvider"/>'s time, counted from its start, rather than on a timer: the framework's own token bucket
/// and sliding window refill on the machine's clock (even when replenished by hand), so virtual time could not move
/// them. It never queues: <see cref="RateLimiter.AcquireAsync"/> answers at once, as <see cref="RateLimiter.AttemptAcquire"/>
/// does (a call that waits for a permit waits on its dependency actor's timers). Thread-safe.
/// </summary>
internal abstract class ClockedRateLimiter : RateLimiter
{
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly long _stepTicks;
    private long _granted, _refused;

    /// <summary>One lock for the counts of a subclass: a few instructions under it, never a wait.</summary>
    protected readonly Lock Gate = new();

    protected ClockedRateLimiter(TimeProvider time, TimeSpan step)
    {
        _time = time;
        _stepTicks = Math.Max(1, (long)(step.Ticks * (time.TimestampFrequency / (double)TimeSpan.TicksPerSecond)));
        _start = time.GetTimestamp();
    }

    /// <summary>The steps passed on the clock since the limiter was made.</summary>
    protected long CurrentStep => (_time.GetTimestamp() - _start) / _stepTicks;

    /// <summary>How long until the next step on the clock, from now.</summary>
    public TimeSpan UntilNextStep()
    {
        var elapsed = _time.GetTimestamp() - _start;
        var next = (elapsed / _stepTicks + 1) * _stepTicks;
        return TimeSpan.FromTicks((long)Math.Ceiling((next - elapsed) * (TimeSpan.TicksPerSecond / (double)_time.TimestampFrequency)));
    }

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => null;

    /// <summary>Takes <paramref name="permits"/> if they are available now (under <see cref="Gate"/>).</summary>
    protected abstract bool TryTake(int permits);

    /// <summary>Permits available now (under <see cref="Gate"/>).</summary>
    protected abstract long AvailableNow();

    /// <inheritdoc />
    public override RateLimiterStatistics GetStatistics()
    {
        lock (Gate)
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = AvailableNow(),
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = Interlocked.Read(ref _granted),
                TotalFailedLeases = Interlocked.Read(ref _refused),
            };
    }

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        bool taken;
        lock (Gate) taken = TryTake(permitCount);
        if (taken)
        {
            Interlocked.Increment(ref _granted);
            return Lease.Acquired;
        }
        Interlocked.Increment(ref _refused);
        return new Lease(false, UntilNextStep());
    }

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(AttemptAcquireCore(permitCount));
    }

    /// <summary>A lease: permits taken for good (nothing is given back when it is disposed), or refused with when to try again.</summary>
    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } after && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = after;
                return true;
            }
            metadata = null;
            return false;
        }
    }
}
