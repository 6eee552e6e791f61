namespace Orchestrator.Actors.Bulkhead;

/// <summary>
/// The caller-side half of a dependency's bulkhead: a lock-free count of every call admitted to the dependency,
/// wherever it is (in the actor's mailbox, in its queue, or running). A sender enters the gate before it tells
/// the dependency actor; a full gate rejects the call on the sender's thread, so a flood of calls never reaches
/// (and never grows) the actor's mailbox. The actor leaves the gate once per admitted call, when it answers.
/// </summary>
internal sealed class BulkheadGate
{
    private int _admitted;
    private long _rejected;
    private int _rejectingReported;
    private volatile bool _closed;
    private int _capacity;

    /// <summary>Creates a gate that admits at most <paramref name="capacity"/> calls at once.</summary>
    public BulkheadGate(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>
    /// The most calls admitted at once: the bulkhead's slots plus its queue. Set at run time (a change of options), it
    /// applies to the next call: when it shrinks below the calls admitted, they go on and none is let in until fewer remain.
    /// </summary>
    public int Capacity
    {
        get => Volatile.Read(ref _capacity);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref _capacity, value);
        }
    }

    /// <summary>Calls admitted now.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Calls the gate turned away since start.</summary>
    public long RejectedTotal => Interlocked.Read(ref _rejected);

    /// <summary>Whether the dependency's actor is gone for good: the gate admits nothing any more.</summary>
    public bool IsClosed => _closed;

    /// <summary>Closes the gate (the dependency's actor stopped): nothing is let in until <see cref="Reopen"/>.</summary>
    public void Close() => _closed = true;

    /// <summary>Opens a closed gate again (a new actor took the dependency over).</summary>
    public void Reopen() => _closed = false;

    /// <summary>Admits a call if there is room; false (and counted as a rejection) if not, or if the gate is closed.</summary>
    public bool TryEnter()
    {
        if (_closed) return false;
        if (Interlocked.Increment(ref _admitted) <= Capacity) return true;
        Interlocked.Decrement(ref _admitted);
        Interlocked.Increment(ref _rejected);
        return false;
    }

    /// <summary>Releases one admitted call.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _admitted) < 0)
        {
            Interlocked.Increment(ref _admitted);
            throw new InvalidOperationException("BulkheadGate.Exit without a matching TryEnter.");
        }
    }

    /// <summary>True for exactly one caller after each <see cref="ClearRejectingReport"/>: the one that reports "started rejecting".</summary>
    public bool TryReportRejecting() => Interlocked.Exchange(ref _rejectingReported, 1) == 0;

    /// <summary>Whether "started rejecting" was reported and not yet cleared.</summary>
    public bool RejectingReported => Volatile.Read(ref _rejectingReported) == 1;

    /// <summary>Lets the next rejection report "started rejecting" again.</summary>
    public void ClearRejectingReport() => Volatile.Write(ref _rejectingReported, 0);
}
