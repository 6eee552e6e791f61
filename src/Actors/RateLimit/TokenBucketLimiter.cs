namespace Orchestrator.Actors.RateLimit;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/>: it starts full (<c>burst</c> permits) and gets
/// <c>permitsPerPeriod</c> back at each period's end, never more than it holds. A quiet dependency saves up for a burst.
/// </summary>
internal sealed class TokenBucketLimiter : ClockedRateLimiter
{
    private readonly int _perPeriod;
    private readonly int _burst;
    private long _tokens;
    private long _step; // the step the tokens were last counted at

    public TokenBucketLimiter(TimeProvider time, int permitsPerPeriod, TimeSpan period, int burst) : base(time, period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitsPerPeriod, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, permitsPerPeriod);
        (_perPeriod, _burst, _tokens) = (permitsPerPeriod, burst, burst);
    }

    protected override bool TryTake(int permits)
    {
        Refill();
        if (_tokens < permits) return false;
        _tokens -= permits;
        return true;
    }

    protected override long AvailableNow()
    {
        Refill();
        return _tokens;
    }

    private void Refill()
    {
        var now = CurrentStep;
        if (now <= _step) return;
        var steps = now - _step;
        _tokens = steps >= _burst ? _burst : Math.Min(_burst, _tokens + steps * _perPeriod); // steps >= burst: full whatever is held
        _step = now;
    }
}
