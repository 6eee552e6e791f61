using Akka.Actor;
using Orchestrator.Actors.Breaker;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// A guarded call in a dependency actor's hands, from arrival to answer. Mutable, and only ever touched by the
/// actor that owns it (and, after a restart, by the instance that adopted it).
/// </summary>
internal sealed class PendingCall(long id, GuardedCall call, IActorRef replyTo, DateTimeOffset arrival, TimeSpan timeout)
{
    public long Id { get; } = id;
    public GuardedCall Call { get; } = call;
    public IActorRef ReplyTo { get; } = replyTo;
    public DateTimeOffset Arrival { get; } = arrival;

    /// <summary>The most one attempt may run, and the most the call may wait in the queue.</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>The caller's absolute deadline, if it gave one.</summary>
    public DateTimeOffset? Deadline => Call.Deadline;

    /// <summary>When a call still waiting in the queue is dropped.</summary>
    public DateTimeOffset QueueDeadline => Deadline is { } d && d < Arrival + Timeout ? d : Arrival + Timeout;

    public int Attempts { get; set; }
    public BreakerPermit Permit { get; set; }

    /// <summary>The breaker's half-open round when the permit was taken (a probe counts only in its own round).</summary>
    public long ProbeRound { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public TimeSpan AttemptTimeout { get; set; }

    /// <summary>Whether the running attempt is cut short by the caller's deadline rather than by the timeout.</summary>
    public bool AttemptEndsAtDeadline { get; set; }

    public CancellationTokenSource? Cancellation { get; set; }

    /// <summary>Whether the call holds a place in the bulkhead gate (released when it is answered).</summary>
    public bool Entered { get; set; }
}
