namespace Orchestrator.Actors.RateLimit;

/// <summary>
/// A sliding window on a <see cref="TimeProvider"/>: at most <c>permitsPerPeriod</c> in the last <c>segments</c>
/// segments of a period each (the one now and those before it); a segment's permits come back when it leaves the window,
/// one whole period after it began. No bursts beyond the limit, whatever the quiet before.
/// </summary>
internal sealed class SlidingWindowLimiter : ClockedRateLimiter
{
    private readonly int _limit;
    private readonly long[] _taken; // permits taken in each segment of the window, by step modulo segments
    private long _inWindow;
    private long _step; // the segment the window last moved to

    public SlidingWindowLimiter(TimeProvider time, int permitsPerPeriod, TimeSpan period, int segments) : base(time, period / segments)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitsPerPeriod, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(segments, 1);
        _limit = permitsPerPeriod;
        _taken = new long[segments];
    }

    protected override bool TryTake(int permits)
    {
        Slide();
        if (_inWindow + permits > _limit) return false;
        _inWindow += permits;
        _taken[_step % _taken.Length] += permits;
        return true;
    }

    protected override long AvailableNow()
    {
        Slide();
        return _limit - _inWindow;
    }

    /// <summary>Moves the window to the segment now: the segments it leaves give their permits back.</summary>
    private void Slide()
    {
        var now = CurrentStep;
        if (now <= _step) return;
        if (now - _step >= _taken.Length)
        {
            Array.Clear(_taken);
            _inWindow = 0;
        }
        else
        {
            for (var s = _step + 1; s <= now; s++)
            {
                var slot = s % _taken.Length;
                _inWindow -= _taken[slot];
                _taken[slot] = 0;
            }
        }
        _step = now;
    }
}
