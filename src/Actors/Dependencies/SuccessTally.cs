namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// Successes of calls run on the callers' side, waiting for the dependency's actor to record them in its breaker
/// and retry budget. Callers add lock-free (one atomic add, in a cell of their processor's: <see cref="StripedTally"/>).
/// While the actor collects by itself (its collection timer is armed: see <see cref="SuccessCollector"/>) a success
/// tells nobody; otherwise the first addition since the actor last took tells it (one small message for any number
/// of successes). So a flood of fast calls costs the actor a few messages a second, not one per call.
/// Failures are told one by one, each with the <see cref="Mark"/> of the successes added before it: the actor records
/// exactly those first, so the breaker sees successes and failures in the order they happened (a probe's success is
/// told at once, on its own: while the breaker probes, batches of successes count for nothing). A
/// collection (a caller's message, the actor's timer) takes only up to the mark its message was sent with: a failure
/// behind that message in the mailbox was told after it, so a success counted after the failure waits for it.
/// </summary>
/// <remarks>
/// The counts only grow; the actor remembers how far it took. No success can be left behind: the actor stops
/// collecting by itself and clears "told" (each a full fence) before it reads how many were added, and a caller
/// adds (a full fence) before it reads whether the actor collects or was told. Either the actor sees the caller's
/// success (and collects it, now or at its next tick), or the caller sees that nobody collects and tells (a
/// store-buffering pair, like <see cref="Bulkhead.BulkheadSlots.Release"/>'s). See <see cref="StopCollectingAndTakeUpTo"/>.
/// </remarks>
internal sealed class SuccessTally
{
    private readonly StripedTally _added = new(); // successes added since start (the count), and of them slow (the sum)
    private long _taken, _takenSlow; // the actor's own
    private int _told;
    private int _collecting;

    /// <summary>Adds a success; true when the caller must tell the actor.</summary>
    public bool Add(bool slow)
    {
        _added.Add(slow ? 1 : 0);
        if (Volatile.Read(ref _collecting) == 1) return false;
        return Volatile.Read(ref _told) == 0 && Interlocked.Exchange(ref _told, 1) == 0;
    }

    /// <summary>The successes added so far: a failure told now carries it, and the actor records exactly these before it.</summary>
    public SuccessMark Mark() => new(_added.Count, _added.Sum);

    /// <summary>
    /// Takes every success added so far (the actor only, for a status read); a later addition may tell the actor again.
    /// A failure told at the same moment may reach the breaker after successes that came just after it.
    /// </summary>
    public (int Calls, int Slow) TakeAll()
    {
        var (calls, slow, _) = TakeTold(Mark());
        return (calls, slow);
    }

    /// <summary>Takes the successes added up to <paramref name="mark"/> not taken yet (the actor only).</summary>
    public (int Calls, int Slow) TakeUpTo(SuccessMark mark)
    {
        var calls = mark.Added - _taken;
        if (calls <= 0) return (0, 0);
        var slow = Math.Clamp(mark.Slow - _takenSlow, 0, calls);
        _taken = mark.Added;
        _takenSlow += slow;
        return ((int)Math.Min(calls, int.MaxValue), (int)Math.Min(slow, int.MaxValue));
    }

    /// <summary>
    /// A caller told (its message carries <paramref name="mark"/>): clears "told", then takes up to the mark, and says
    /// whether successes were added after it (their callers, seeing "told", said nothing: the actor must collect them).
    /// </summary>
    public (int Calls, int Slow, bool More) TakeTold(SuccessMark mark)
    {
        Interlocked.Exchange(ref _told, 0);
        var (calls, slow) = TakeUpTo(mark);
        return (calls, slow, More());
    }

    /// <summary>The actor collects by itself from now on (its timer is armed): successes tell nobody.</summary>
    public void StartCollecting() => Volatile.Write(ref _collecting, 1);

    /// <summary>The actor no longer collects by itself (a new actor after a restart, whose timer is gone): the next success tells it.</summary>
    public void StopCollecting() => Volatile.Write(ref _collecting, 0);

    /// <summary>
    /// The collection timer's tick (armed at <paramref name="mark"/>): stops collecting by itself and clears "told",
    /// then takes up to the mark and says whether successes were added after it. In this order, a success added
    /// meanwhile is either seen as more (the actor collects it later), or its caller sees that nobody collects and tells.
    /// </summary>
    public (int Calls, int Slow, bool More) StopCollectingAndTakeUpTo(SuccessMark mark)
    {
        Interlocked.Exchange(ref _collecting, 0);
        return TakeTold(mark);
    }

    /// <summary>Whether successes were added that the actor has not taken (read after a full fence by the callers of it).</summary>
    private bool More() => _added.Count > _taken;
}

/// <summary>How many successes (and slow ones) were added to a <see cref="SuccessTally"/> at some moment.</summary>
internal readonly record struct SuccessMark(long Added, long Slow);
