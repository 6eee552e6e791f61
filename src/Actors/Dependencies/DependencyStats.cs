using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// How one dependency's calls ended, counted wherever they were answered (by its actor, or by a sender that the
/// gate or the load shedder turned away), and the breaker state its actor last published. Lock-free; shared by
/// the actor, the senders and the priority coordinator, who read it without any message.
/// </summary>
public sealed class DependencyStats
{
    private long _succeeded, _fallbacks, _rejected, _failed, _timedOut, _elapsedTicks, _openings, _troubled;
    private volatile int _breakerState;
    private long _openedAtTicks;

    /// <summary>Answers that show trouble at the dependency: degraded for any reason but the node's own choice (feature off, shed).</summary>
    public long Troubled => Interlocked.Read(ref _troubled);

    /// <summary>Counts one answer and the time it took.</summary>
    public void Count(CallOutcome outcome, TimeSpan elapsed, DegradationReason reason = DegradationReason.None)
    {
        if (outcome != CallOutcome.Succeeded && reason is not (DegradationReason.FeatureDisabled or DegradationReason.Shed))
            Interlocked.Increment(ref _troubled);
        switch (outcome)
        {
            case CallOutcome.Succeeded: Interlocked.Increment(ref _succeeded); break;
            case CallOutcome.Fallback: Interlocked.Increment(ref _fallbacks); break;
            case CallOutcome.Rejected: Interlocked.Increment(ref _rejected); break;
            default: Interlocked.Increment(ref _failed); break;
        }
        Interlocked.Add(ref _elapsedTicks, elapsed.Ticks);
    }

    /// <summary>Counts an attempt that ran out of time.</summary>
    public void CountTimeout() => Interlocked.Increment(ref _timedOut);

    /// <summary>The breaker's state, as its actor last published it.</summary>
    public BreakerState Breaker => (BreakerState)_breakerState;

    /// <summary>Times the breaker opened since start.</summary>
    public long BreakerOpenings => Interlocked.Read(ref _openings);

    /// <summary>
    /// The clock of the dependency's actor (its senders' handle sets it). With it, an opening is stamped with the
    /// time it happened (<see cref="BreakerOpenedAt"/>), so that senders can answer calls while the breaker is open.
    /// </summary>
    internal TimeProvider? Clock { get; set; }

    /// <summary>When the breaker last opened, by <see cref="Clock"/>; null if it never did or no clock is set.</summary>
    public DateTimeOffset? BreakerOpenedAt => Volatile.Read(ref _openedAtTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Publishes a breaker transition (the dependency's actor only).</summary>
    public void PublishBreaker(BreakerState state)
    {
        if (state == BreakerState.Open)
        {
            Interlocked.Increment(ref _openings);
            // Stamped before the state is published: a reader that sees Open sees this opening's time.
            Volatile.Write(ref _openedAtTicks, Clock?.GetUtcNow().UtcTicks ?? 0);
        }
        _breakerState = (int)state;
    }

    /// <summary>Total time of all answered calls (for mean latency between two samples).</summary>
    public TimeSpan TotalElapsed => TimeSpan.FromTicks(Interlocked.Read(ref _elapsedTicks));

    /// <summary>The counts now.</summary>
    public CallCounters Snapshot() => new(
        Interlocked.Read(ref _succeeded), Interlocked.Read(ref _fallbacks), Interlocked.Read(ref _rejected),
        Interlocked.Read(ref _failed), Interlocked.Read(ref _timedOut));
}
