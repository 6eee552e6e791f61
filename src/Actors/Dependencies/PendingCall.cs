using System.Diagnostics;
using Akka.Actor;
using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>Where a call in the actor's hands is on its way to an answer.</summary>
internal enum CallPhase
{
    New,
    Queued,
    Running,
    BackingOff,
    WaitingForPermit,
    Following,
    Answered,
}

/// <summary>
/// A guarded call in a dependency actor's hands, from arrival to answer. Mutable, and only ever touched by the
/// actor that owns it (and, after a restart, by the instance that adopted it).
/// </summary>
internal sealed class PendingCall(long id, GuardedCall call, IActorRef replyTo, long arrived, DependencyOptions options)
{
    public long Id { get; } = id;
    public GuardedCall Call { get; } = call;
    public IActorRef ReplyTo { get; } = replyTo;

    /// <summary>When the call arrived (at the caller's side or here), as a timestamp of the dependency's clock.</summary>
    public long Arrived { get; } = arrived;

    /// <summary>
    /// The dependency's options when the call arrived (the snapshot its caller sized its wait with): its timeout and
    /// retries keep to them, whatever a change of options at run time says meanwhile.
    /// </summary>
    public DependencyOptions Options { get; } = options;

    /// <summary>The most one attempt may run, and the most the call may wait in the queue.</summary>
    public TimeSpan Timeout { get; } = call.Timeout ?? options.Timeout;

    /// <summary>The caller's absolute deadline, if it gave one.</summary>
    public DateTimeOffset? Deadline => Call.Deadline;

    /// <summary>The cache key, when the dependency caches and the call has a key.</summary>
    public string? CacheKey { get; init; }

    /// <summary>The call's span, ended with its answer (null while nobody traces).</summary>
    public Activity? Span { get; init; }

    /// <summary>The attempts running now (one, or more while the call is hedged), in the order they started.</summary>
    public List<RunningAttempt> InFlight { get; } = new(1);

    /// <summary>A background refresh (stale-while-revalidate): nobody waits for its answer.</summary>
    public bool IsRefresh { get; init; }

    /// <summary>What the call holds (a place in the load shedder, in the gate), given back when it is answered.</summary>
    public Holdings Held { get; set; }

    /// <summary>The awaiting caller's token (none for a told call): cancelling it cancels the work of every attempt.</summary>
    public CancellationToken Cancellation { get; init; }

    public CallPhase Phase { get; set; }

    /// <summary>When the call joined the queue.</summary>
    public DateTimeOffset EnqueuedAt { get; set; }

    /// <summary>When a call still waiting in the queue is dropped.</summary>
    public DateTimeOffset QueueDeadline => Deadline is { } d && d < EnqueuedAt + Timeout ? d : EnqueuedAt + Timeout;

    /// <summary>How many times the work was started (hedges included; an attempt that ended before it could start is not counted).</summary>
    public int Attempts { get; set; }

    /// <summary>The number of the last attempt started (the next one takes the next number).</summary>
    public int LastNumber { get; set; }

    /// <summary>How many times the call was tried: its first attempt and its retries, not its hedges (retries keep to <c>Retry:MaxAttempts</c>).</summary>
    public int Tries { get; set; }

    /// <summary>The hedges started for the call.</summary>
    public int Hedges { get; set; }

    /// <summary>When the next hedge is due, while one is (for a restarted actor's timers).</summary>
    public DateTimeOffset? NextHedgeAt { get; set; }

    /// <summary>A hedge on the replica did not answer (the trail says so): the fallback chain does not ask the replica again.</summary>
    public bool ReplicaHedgeFailed { get; set; }

    /// <summary>For a hedged call that answered: the attempt whose answer was given, and who gave it.</summary>
    public (int Number, string By)? Winner { get; set; }

    /// <summary>While a hedged call's other attempts still run: the last failure of one of its attempts on the dependency, which decides (retry or the chain) if none answers.</summary>
    public PostAttempt? LastFailure { get; set; }

    /// <summary>The hedge report for the call's answer; null when no hedge started.</summary>
    public HedgeReport? HedgeReport => Hedges == 0 ? null : new HedgeReport(Hedges, Winner?.Number, Winner?.By);

    /// <summary>Takes the attempt numbered <paramref name="number"/> out of those running; null when it is not one of them.</summary>
    public RunningAttempt? TakeAttempt(int number)
    {
        for (var i = 0; i < InFlight.Count; i++)
        {
            if (InFlight[i].Number != number) continue;
            var attempt = InFlight[i];
            InFlight.RemoveAt(i);
            return attempt;
        }
        return null;
    }

    /// <summary>When a call backing off (or waiting for the rate limit's permits) is tried again.</summary>
    public DateTimeOffset RetryAt { get; set; }

    /// <summary>Whether the call holds one of the places of those waiting for the rate limit's permits.</summary>
    public bool HoldsPermitPlace { get; set; }

    /// <summary>When the call began to wait for a permit of the rate limit (null: it never waited).</summary>
    public DateTimeOffset? WaitingForPermitSince { get; set; }

    /// <summary>The latest a call waiting for the rate limit's permits may start: its timeout after it began to wait, or its deadline.</summary>
    public DateTimeOffset PermitWaitDeadline =>
        WaitingForPermitSince is { } since ? (Deadline is { } d && d < since + Timeout ? d : since + Timeout) : DateTimeOffset.MaxValue;

    /// <summary>For the leader of a single flight: the calls for the same key waiting on its answer.</summary>
    public List<PendingCall>? Followers { get; set; }

    /// <summary>Steps that gave no answer before the fallback chain (a retry the budget refused).</summary>
    public List<ChainStep> Trail { get; } = [];

    private CancellationTokenRegistration _callerWatch;

    /// <summary>Whether the call is its caller's alone, with a token that can cancel it (not a shared fetch, a refresh or a told call).</summary>
    private bool AnswersToItsCaller => Cancellation.CanBeCanceled && CacheKey is null && !IsRefresh;

    /// <summary>Whether its caller cancelled: it is answered <see cref="DegradationReason.Cancelled"/> rather than started or retried.</summary>
    public bool CallerCancelled => AnswersToItsCaller && Cancellation.IsCancellationRequested;

    /// <summary>
    /// Tells <paramref name="actor"/> at once when the caller cancels (<see cref="CallerGaveUp"/>), so that a call waiting
    /// (in the queue, backing off, for the rate limit's permits) gives its place back then, not when its turn comes.
    /// Not for a fetch that others may wait on (a cache key: no one caller's token ends it) nor for a told call (no token).
    /// </summary>
    public void WatchCaller(IActorRef actor)
    {
        if (!AnswersToItsCaller) return;
        _callerWatch = Cancellation.UnsafeRegister(static state =>
        {
            var (to, pending) = ((IActorRef, PendingCall))state!;
            to.Tell(new CallerGaveUp(pending));
        }, (actor, this));
    }

    /// <summary>The call was answered: its caller's token no longer holds it (a token that lives long would keep every call it ever served).</summary>
    public void StopWatchingCaller()
    {
        _callerWatch.Unregister();
        _callerWatch = default;
    }
}
