namespace Orchestrator.Actors.Breaker;

/// <summary>
/// Counts calls, failures and slow calls over the last <c>window</c> of time, in buckets, so that old outcomes
/// fall out as time moves on. Not thread-safe: owned by one actor.
/// </summary>
internal sealed class SlidingWindow
{
    private const int BucketCount = 10;
    private readonly long _bucketTicks;
    private readonly Bucket[] _buckets = new Bucket[BucketCount];

    private struct Bucket
    {
        public long Index;
        public int Calls;
        public int Failures;
        public int Slow;
    }

    /// <summary>Creates a window that covers <paramref name="window"/>.</summary>
    public SlidingWindow(TimeSpan window)
    {
        if (window <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be positive.");
        _bucketTicks = Math.Max(1, window.Ticks / BucketCount);
    }

    /// <summary>Records one outcome at <paramref name="now"/>.</summary>
    public void Record(DateTimeOffset now, bool failed, bool slow) => Record(now, 1, failed ? 1 : 0, slow ? 1 : 0);

    /// <summary>Records <paramref name="calls"/> outcomes at <paramref name="now"/>, of which <paramref name="failures"/> failed and <paramref name="slow"/> were slow.</summary>
    public void Record(DateTimeOffset now, int calls, int failures, int slow)
    {
        ref var bucket = ref Current(now);
        bucket.Calls += calls;
        bucket.Failures += failures;
        bucket.Slow += slow;
    }

    /// <summary>Totals over the window ending at <paramref name="now"/>.</summary>
    public (int Calls, int Failures, int Slow) Totals(DateTimeOffset now)
    {
        var index = now.UtcTicks / _bucketTicks;
        int calls = 0, failures = 0, slow = 0;
        foreach (var b in _buckets)
        {
            if (b.Index > index - BucketCount && b.Index <= index)
            {
                calls += b.Calls;
                failures += b.Failures;
                slow += b.Slow;
            }
        }
        return (calls, failures, slow);
    }

    /// <summary>Forgets everything.</summary>
    public void Clear() => Array.Clear(_buckets); // an empty bucket counts nothing, whatever its index

    private ref Bucket Current(DateTimeOffset now)
    {
        var index = now.UtcTicks / _bucketTicks;
        ref var bucket = ref _buckets[(int)(index % BucketCount)];
        if (bucket.Index != index) bucket = new Bucket { Index = index };
        return ref bucket;
    }
}
