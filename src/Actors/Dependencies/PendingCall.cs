using Akka.Actor;
using Orchestrator.Actors.Breaker;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>Where a pending call is on its way to an answer.</summary>
internal enum CallPhase
{
    New,
    Queued,
    Running,
    BackingOff,
    Following,
    Degrading,
    Answered,
}

/// <summary>The next step of the fallback chain to try.</summary>
internal enum ChainPosition
{
    StaleCache,
    Replica,
    CallFallback,
    DependencyDefault,
    End,
}

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

    /// <summary>The cache key, when the dependency caches and the call has a key.</summary>
    public string? CacheKey { get; init; }

    /// <summary>A background refresh (stale-while-revalidate): nobody waits for its answer.</summary>
    public bool IsRefresh { get; init; }

    public CallPhase Phase { get; set; }

    /// <summary>When the call joined the queue.</summary>
    public DateTimeOffset EnqueuedAt { get; set; }

    /// <summary>When a call still waiting in the queue is dropped.</summary>
    public DateTimeOffset QueueDeadline => Deadline is { } d && d < EnqueuedAt + Timeout ? d : EnqueuedAt + Timeout;

    public int Attempts { get; set; }
    public BreakerPermit Permit { get; set; }

    /// <summary>The breaker's half-open round when the permit was taken (a probe counts only in its own round).</summary>
    public long ProbeRound { get; set; }

    public DateTimeOffset StartedAt { get; set; }
    public TimeSpan AttemptTimeout { get; set; }

    /// <summary>Whether the running attempt is cut short by the caller's deadline rather than by the timeout.</summary>
    public bool AttemptEndsAtDeadline { get; set; }

    public CancellationTokenSource? Cancellation { get; set; }

    /// <summary>When a call backing off is tried again.</summary>
    public DateTimeOffset RetryAt { get; set; }

    /// <summary>Whether the call holds a place in the node's load shedder (released when it is answered).</summary>
    public bool HoldsAdmission { get; set; }

    /// <summary>Whether the call holds a place in the bulkhead gate (released when it is answered).</summary>
    public bool Entered { get; set; }

    /// <summary>For the leader of a single flight: the calls for the same key waiting on its answer.</summary>
    public List<PendingCall>? Followers { get; set; }

    /// <summary>Why the primary answer is missing (once degrading), and the steps of the chain that gave none.</summary>
    public DegradationReason Reason { get; set; }
    public Exception? Error { get; set; }
    public string? Detail { get; set; }
    public List<ChainStep> Trail { get; } = [];
}
