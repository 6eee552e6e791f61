namespace Orchestrator.Actors.Retry;

/// <summary>
/// Exponential backoff with full jitter: the delay before retry <c>n</c> (1-based) is drawn uniformly from
/// <c>[0, min(MaxDelay, BaseDelay * 2^(n-1))]</c>, so that many callers retrying at once spread out instead of
/// hitting a recovering dependency together.
/// </summary>
internal static class Backoff
{
    /// <summary>The upper bound of the delay before retry <paramref name="retry"/> (1-based).</summary>
    public static TimeSpan Ceiling(int retry, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var ticks = baseDelay.Ticks * Math.Pow(2, retry - 1);
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The delay before retry <paramref name="retry"/>, with <paramref name="unitRandom"/> a draw from [0, 1).</summary>
    public static TimeSpan FullJitter(int retry, TimeSpan baseDelay, TimeSpan maxDelay, double unitRandom)
    {
        if (unitRandom is < 0 or >= 1 || double.IsNaN(unitRandom))
            throw new ArgumentOutOfRangeException(nameof(unitRandom), unitRandom, "A draw from [0, 1) is needed.");
        return TimeSpan.FromTicks((long)(Ceiling(retry, baseDelay, maxDelay).Ticks * unitRandom));
    }
}
