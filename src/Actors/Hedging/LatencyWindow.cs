namespace Orchestrator.Actors.Hedging;

/// <summary>
/// The latencies of a dependency's last answers (a ring of a fixed size), and their percentiles, from which a
/// hedge's delay is taken. A percentile is worked out again only after a sixteenth of the ring changed, so asking
/// for it on every call costs little. Used on the dependency actor's thread only.
/// </summary>
internal sealed class LatencyWindow
{
    private readonly double[] _ring;
    private readonly double[] _sorted;
    private int _count;
    private int _next;
    private int _addedSinceSort;
    private bool _sortedValid;

    /// <summary>A window of the last <paramref name="size"/> latencies.</summary>
    public LatencyWindow(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _ring = new double[size];
        _sorted = new double[size];
    }

    /// <summary>How many latencies it holds (at most its size).</summary>
    public int Count => _count;

    /// <summary>Adds the latency of an answer.</summary>
    public void Add(TimeSpan latency)
    {
        _ring[_next] = latency.TotalMilliseconds;
        _next = (_next + 1) % _ring.Length;
        if (_count < _ring.Length) _count++;
        _addedSinceSort++;
    }

    /// <summary>
    /// The <paramref name="percentile"/> (0 to 100) of the latencies held, by the nearest rank; null while it holds
    /// none. A value at most a sixteenth of the window old.
    /// </summary>
    public TimeSpan? Percentile(double percentile)
    {
        if (_count == 0) return null;
        if (!_sortedValid || _addedSinceSort * 16 >= _ring.Length)
        {
            Array.Copy(_ring, _sorted, _count);
            Array.Sort(_sorted, 0, _count);
            _addedSinceSort = 0;
            _sortedValid = true;
        }
        var rank = (int)Math.Ceiling(percentile / 100 * _count);
        return TimeSpan.FromMilliseconds(_sorted[Math.Clamp(rank, 1, _count) - 1]);
    }
}
