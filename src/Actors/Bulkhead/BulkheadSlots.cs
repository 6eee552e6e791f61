namespace Orchestrator.Actors.Bulkhead;

/// <summary>
/// The running places of a dependency's bulkhead, shared lock-free by its callers (who run calls on their own side
/// when a place is free and nobody waits) and its actor (which keeps the waiting queue, see <see cref="Bulkhead{T}"/>).
/// At most <see cref="MaxConcurrency"/> calls hold a place, wherever they run.
/// </summary>
internal sealed class BulkheadSlots
{
    private int _inFlight;
    private int _queued;
    private int _maxConcurrency;

    /// <summary>Creates <paramref name="maxConcurrency"/> free places.</summary>
    public BulkheadSlots(int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _maxConcurrency = maxConcurrency;
    }

    /// <summary>
    /// The most calls that may run at once. Set at run time (a change of options), it applies to the next place
    /// taken: when it shrinks below the calls running, they finish and no new one starts until fewer run.
    /// </summary>
    public int MaxConcurrency
    {
        get => Volatile.Read(ref _maxConcurrency);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref _maxConcurrency, value);
        }
    }

    /// <summary>Calls holding a place now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Calls waiting in the actor's queue, as the actor last published it.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Takes a place if one is free.</summary>
    public bool TryTake()
    {
        var seen = Volatile.Read(ref _inFlight);
        while (seen < Volatile.Read(ref _maxConcurrency))
        {
            var before = Interlocked.CompareExchange(ref _inFlight, seen + 1, seen);
            if (before == seen) return true;
            seen = before;
        }
        return false;
    }

    /// <summary>
    /// Takes a place for a caller who would run the call on its own side: only if one is free and no call waits
    /// in the queue (the waiting ones go first; the caller then hands its call to the actor, which queues it).
    /// </summary>
    public bool TryTakeAhead() => Volatile.Read(ref _queued) == 0 && TryTake();

    /// <summary>
    /// Gives a place back, and says whether calls wait in the actor's queue: a releaser that is not the actor must
    /// then tell it, so that the oldest starts (nothing else would wake it).
    /// </summary>
    /// <remarks>
    /// The queue length is read after the decrement (a full fence), and the actor publishes it with a full fence too
    /// (<see cref="PublishQueued"/>) before it tries to take a place for the call it queued: of the two, at least one
    /// sees the other's write, so a call queued as a place frees is always started (by the actor's own try, or on the
    /// releaser's word). With a plain volatile store the two could each read the other's old value (store buffering),
    /// and the call would wait for the next release.
    /// </remarks>
    public bool Release()
    {
        if (Interlocked.Decrement(ref _inFlight) < 0)
        {
            Interlocked.Increment(ref _inFlight);
            throw new InvalidOperationException("Release without a place in use.");
        }
        return Volatile.Read(ref _queued) > 0;
    }

    /// <summary>Publishes the length of the actor's queue (its owner only), with a full fence (see <see cref="Release"/>).</summary>
    internal void PublishQueued(int queued) => Interlocked.Exchange(ref _queued, queued);
}
