using Orchestrator.Contracts;

namespace Orchestrator.Actors.Breaker;

/// <summary>
/// A dependency's circuit breaker as its actor publishes it: what callers read on the hot path without any
/// message, and where half-open probes are handed out by compare-and-swap, to callers and to the actor alike, so
/// that exactly <c>HalfOpenProbes</c> run per half-open round. Only the <see cref="CircuitBreaker"/> (its owner,
/// one actor) publishes; anyone may read, take a probe or give one back. Lock-free.
/// </summary>
/// <remarks>
/// State, half-open round and probes left are one 64-bit word, changed only by compare-and-swap: a probe taken is
/// always a probe of the round that was read, and a new round (published by the owner) can never be drained by a
/// taker that read the round before.
/// </remarks>
internal sealed class BreakerBoard
{
    private const int ProbeBits = 16;
    private const int StateBits = 4;
    private const long ProbeMask = (1L << ProbeBits) - 1;
    private const long StateMask = (1L << StateBits) - 1;

    private long _word;            // [round | state | probes left]
    private int _roundProbes;      // the probes of the current (or last) half-open round, when it began
    private long _openUntilTicks;  // UtcTicks when an open breaker lets probes through; long.MaxValue: no end of its own
    private long _openedAtTicks;   // UtcTicks of the last opening; 0: never
    private long _openings;

    /// <summary>The state, as last published.</summary>
    public BreakerState State => StateOf(Volatile.Read(ref _word));

    /// <summary>The half-open round, as last published (a probe's outcome counts only in its own round).</summary>
    public long Round => Volatile.Read(ref _word) >>> (ProbeBits + StateBits);

    /// <summary>Probes still to be handed out in this half-open round (0 unless half-open).</summary>
    public int ProbesLeft => (int)(Volatile.Read(ref _word) & ProbeMask);

    /// <summary>When an open breaker lets its first probe through; null unless open, or open without an end of its own (following the cluster).</summary>
    public DateTimeOffset? OpenUntil =>
        State == BreakerState.Open && Volatile.Read(ref _openUntilTicks) is var t and > 0 and < long.MaxValue ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    /// <summary>Whether the breaker is open without an end of its own: it follows the cluster's evidence.</summary>
    public bool IsFollowing => State == BreakerState.Open && Volatile.Read(ref _openUntilTicks) == long.MaxValue;

    /// <summary>When the breaker last opened; null if it never did.</summary>
    public DateTimeOffset? OpenedAt => Volatile.Read(ref _openedAtTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    /// <summary>Times the breaker opened since start.</summary>
    public long Openings => Interlocked.Read(ref _openings);

    /// <summary>
    /// The one answer to "may a call arriving at <paramref name="now"/> pass the breaker?", from one read of the
    /// published state, taking nothing: closed, or half-open with a probe left, passes; open within its open period
    /// (or following the cluster), isolated, or half-open with every probe taken, rejects; open with its open period
    /// over defers to the owner, who moves the breaker first (<see cref="CircuitBreaker.Refresh"/>).
    /// </summary>
    public BreakerCheck Check(DateTimeOffset now) => Check(now, null);

    /// <summary><see cref="Check(DateTimeOffset)"/>, reading <paramref name="time"/> only when the breaker is open (the clock is not free).</summary>
    public BreakerCheck Check(TimeProvider time) => Check(default, time);

    private BreakerCheck Check(DateTimeOffset now, TimeProvider? time)
    {
        var word = Volatile.Read(ref _word);
        return StateOf(word) switch
        {
            BreakerState.Closed => BreakerCheck.Passes,
            BreakerState.HalfOpen => (word & ProbeMask) > 0 ? BreakerCheck.Passes : BreakerCheck.Rejects,
            BreakerState.Open => OpenPeriodEndedAt(time?.GetUtcNow() ?? now) ? BreakerCheck.Defer : BreakerCheck.Rejects,
            _ => BreakerCheck.Rejects,
        };
    }

    /// <summary>
    /// The one way to take the breaker's permit for an attempt: allowed when closed, a probe of the current round when
    /// half-open and one is left, else rejected (an open breaker's owner refreshes it first).
    /// </summary>
    /// <param name="round">The half-open round of the permit (a probe's outcome counts only in its own round).</param>
    public BreakerPermit TryAcquire(out long round)
    {
        var word = Volatile.Read(ref _word);
        round = word >>> (ProbeBits + StateBits);
        return StateOf(word) switch
        {
            BreakerState.Closed => BreakerPermit.Allowed,
            BreakerState.HalfOpen when TryTakeProbe(out round) => BreakerPermit.Probe,
            _ => BreakerPermit.Rejected,
        };
    }

    /// <summary>
    /// The state and the probes left, from one read: a caller that decides on both must not read the state twice
    /// (between two reads the owner may move it).
    /// </summary>
    public (BreakerState State, int ProbesLeft) Read()
    {
        var word = Volatile.Read(ref _word);
        return (StateOf(word), (int)(word & ProbeMask));
    }

    /// <summary>
    /// For a caller that read the state as open: whether that open period has ended by <paramref name="now"/>. Also
    /// true when the breaker has moved on since (it is not open any more): the owner then decides.
    /// </summary>
    public bool OpenPeriodEndedAt(DateTimeOffset now) => now.UtcTicks >= Volatile.Read(ref _openUntilTicks);

    /// <summary>Takes one probe of the current half-open round; false when not half-open or every probe is taken.</summary>
    /// <param name="round">The round of the probe taken (or of the state read).</param>
    public bool TryTakeProbe(out long round)
    {
        var word = Volatile.Read(ref _word);
        while (true)
        {
            round = word >>> (ProbeBits + StateBits);
            if (StateOf(word) != BreakerState.HalfOpen || (word & ProbeMask) == 0) return false;
            var seen = Interlocked.CompareExchange(ref _word, word - 1, word);
            if (seen == word) return true;
            word = seen;
        }
    }

    /// <summary>
    /// Gives back a probe of <paramref name="round"/> whose outcome says nothing (it was not run, or the caller's
    /// deadline cut it); nothing happens when that round is over.
    /// </summary>
    public void ReturnProbe(long round) => ReturnProbe(round, Volatile.Read(ref _roundProbes));

    /// <summary>Gives back a probe of <paramref name="round"/>, never more than <paramref name="probesPerRound"/> left in it.</summary>
    public void ReturnProbe(long round, int probesPerRound)
    {
        var word = Volatile.Read(ref _word);
        while (StateOf(word) == BreakerState.HalfOpen && word >>> (ProbeBits + StateBits) == round && (word & ProbeMask) < probesPerRound)
        {
            var seen = Interlocked.CompareExchange(ref _word, word + 1, word);
            if (seen == word) return;
            word = seen;
        }
    }

    /// <summary>Publishes a state (the owning breaker only): probes are reset to <paramref name="probes"/> for a new half-open round.</summary>
    internal void Publish(BreakerState state, long round, int probes, DateTimeOffset? openUntil, DateTimeOffset now)
    {
        if (state == BreakerState.Open && StateOf(Volatile.Read(ref _word)) != BreakerState.Open)
        {
            Interlocked.Increment(ref _openings);
            Volatile.Write(ref _openedAtTicks, now.UtcTicks);
        }
        if (state == BreakerState.HalfOpen) Volatile.Write(ref _roundProbes, probes); // before the word, as the end below
        // Written before the word: a reader that sees Open sees this period's end.
        Volatile.Write(ref _openUntilTicks, state == BreakerState.Open ? openUntil?.UtcTicks ?? long.MaxValue : 0);
        Volatile.Write(ref _word, (round << (ProbeBits + StateBits)) | ((long)state << ProbeBits) | (state == BreakerState.HalfOpen ? (uint)probes : 0u));
    }

    private static BreakerState StateOf(long word) => (BreakerState)((word >>> ProbeBits) & StateMask);
}
