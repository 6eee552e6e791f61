using Orchestrator.Actors.Breaker;

namespace Orchestrator.Actors.Retry;

/// <summary>
/// Caps the extra load retries put on a dependency: over a sliding window, retries may be at most
/// <c>Ratio</c> of the first attempts, plus <c>MinRetries</c> so that a quiet dependency can still retry. In a full
/// outage the calls that reach the dependency are then at most (1 + Ratio) times the calls made, whatever the
/// retry policy says. Not thread-safe: owned by one actor.
/// </summary>
internal sealed class RetryBudget
{
    private SlidingWindow _firstAttempts;
    private SlidingWindow _retries;
    private TimeSpan _window;
    private double _ratio;
    private int _minRetries;
    private readonly TimeProvider _time;

    /// <summary>Creates a budget over <paramref name="window"/>.</summary>
    public RetryBudget(double ratio, int minRetries, TimeSpan window, TimeProvider time)
    {
        if (ratio < 0 || double.IsNaN(ratio)) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "The ratio must be 0 or more.");
        ArgumentOutOfRangeException.ThrowIfNegative(minRetries);
        _ratio = ratio;
        _minRetries = minRetries;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _window = window;
        _firstAttempts = new SlidingWindow(window);
        _retries = new SlidingWindow(window);
    }

    /// <summary>Takes a new ratio, floor and window (a change of options at run time); the counts are kept unless the window changes, which starts it empty.</summary>
    public void Reconfigure(double ratio, int minRetries, TimeSpan window)
    {
        if (ratio < 0 || double.IsNaN(ratio)) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "The ratio must be 0 or more.");
        ArgumentOutOfRangeException.ThrowIfNegative(minRetries);
        (_ratio, _minRetries) = (ratio, minRetries);
        if (window == _window) return;
        _window = window;
        _firstAttempts = new SlidingWindow(window);
        _retries = new SlidingWindow(window);
    }

    /// <summary>Records a first attempt (a call that is not a retry).</summary>
    public void RecordAttempt() => RecordAttempts(1);

    /// <summary>Records <paramref name="attempts"/> first attempts at once (counted on the callers' side and handed over together).</summary>
    public void RecordAttempts(int attempts)
    {
        if (attempts > 0) _firstAttempts.Record(_time.GetUtcNow(), attempts, failures: 0, slow: 0);
    }

    /// <summary>Takes one retry (or hedge) from the budget; false (nothing taken) when the budget is spent.</summary>
    public bool TryWithdraw()
    {
        var now = _time.GetUtcNow();
        if (!HasRoom(now)) return false;
        _retries.Record(now, calls: 1, failures: 0, slow: 0);
        return true;
    }

    /// <summary>Whether the budget allows one more retry now (nothing taken: a hedge looks before it takes its other permits).</summary>
    public bool HasRoom() => HasRoom(_time.GetUtcNow());

    private bool HasRoom(DateTimeOffset now)
    {
        var allowed = _minRetries + _ratio * _firstAttempts.Totals(now).Calls;
        // A hair of tolerance: 0.29 x 100 is 28.999999999999996 in floating point.
        return _retries.Totals(now).Calls + 1 <= allowed + 1e-9;
    }

    /// <summary>First attempts and retries in the window now.</summary>
    public (int Attempts, int Retries) Totals()
    {
        var now = _time.GetUtcNow();
        return (_firstAttempts.Totals(now).Calls, _retries.Totals(now).Calls);
    }
}
