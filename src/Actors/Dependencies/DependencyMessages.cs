using System.Diagnostics;
using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

// ---- from the callers' side ------------------------------------------------------------------------------------

/// <summary>
/// A call the caller's side took through the pipeline up to <paramref name="ResumeAt"/>, where only the actor can go
/// on (the breaker's open period just ended, the cache and its single flight, a queue wait); it holds
/// <paramref name="Held"/>. <paramref name="Arrived"/> is its arrival, by the dependency's clock's timestamp;
/// <paramref name="Span"/> its span, which the actor ends when it answers (null while nobody traces);
/// <paramref name="Cancellation"/> the caller's token, which cancels the work (none for a told call).
/// </summary>
internal sealed record AdmittedCall(GuardedCall Call, PipelineStage ResumeAt, Holdings Held, long Arrived, Activity? Span, CancellationToken Cancellation = default)
{
    /// <summary>The options the caller sized its wait with (null: those in force when the actor takes it).</summary>
    public DependencyOptions? Options { get; init; }
}

/// <summary>
/// Calls run on the callers' side succeeded: take them from the <see cref="SuccessTally"/>, up to <paramref name="Mark"/>
/// (the count when this was sent; a failure told later is behind this message and takes its own first).
/// </summary>
internal sealed record SuccessesReady(SuccessMark Mark);

/// <summary>A caller freed a slot without telling anything else, while calls wait in the queue: start them.</summary>
internal sealed record SlotFreed
{
    public static readonly SlotFreed Instance = new();
}

/// <summary>A probe run on the caller's side succeeded.</summary>
internal sealed record ProbeSucceeded(TimeSpan Duration, long Round);

/// <summary>
/// An attempt run on the caller's side failed in a way that counts against the dependency (the caller then walks the
/// chain, or hands the call over for a retry); <paramref name="SuccessesBefore"/>: the callers' successes before it,
/// which the actor records first.
/// </summary>
internal sealed record AttemptFailed(TimeSpan Duration, BreakerPermit Permit, long Round, SuccessMark SuccessesBefore);

/// <summary>
/// An attempt run on the caller's side failed and may be retried (its failure was reported before, as
/// <see cref="AttemptFailed"/>): the actor owns the call from here (retry after a backoff, or the fallback chain),
/// answering its sender (the awaiting caller's ask, or a told call's reply-to: no temporary actor) and ending its <paramref name="Span"/>.
/// </summary>
internal sealed record RetryHandover(GuardedCall Call, Holdings Held, long Arrived, Judgement Failure, Activity? Span, CancellationToken Cancellation = default)
{
    /// <summary>The options the caller sized its wait with (null: those in force when the actor takes it).</summary>
    public DependencyOptions? Options { get; init; }
}

/// <summary>
/// A caller wanted the dependency while its breaker follows the cluster (sent once until the actor forgets it: see
/// <see cref="DependencyHandle.NoteWantedWhileFollowing"/>).
/// </summary>
internal sealed record WantedWhileFollowing
{
    public static readonly WantedWhileFollowing Instance = new();
}

/// <summary>A call was turned away by the gate: the bulkhead started rejecting (after <paramref name="RejectedBefore"/> rejections since start).</summary>
internal sealed record BulkheadRejectingStarted(long RejectedBefore);

/// <summary>The rate limit refused a permit on the caller's side, the first refusal since it was last reported.</summary>
internal sealed record RateLimitReached
{
    public static readonly RateLimitReached Instance = new();
}

// ---- the actor's own ------------------------------------------------------------------------------------------

/// <summary>
/// An attempt the actor started ended; <paramref name="SuccessesBefore"/> is the callers' successes counted by then,
/// which the breaker takes before a failure of this attempt (an answer too may be judged a failure).
/// </summary>
internal sealed record AttemptEnded(long Id, int Attempt, AttemptOutcome<object?> Outcome, SuccessMark SuccessesBefore);

/// <summary>The hedge delay of a call's try <paramref name="Try"/> passed: start a hedge if its attempts still run.</summary>
internal sealed record HedgeDue(PendingCall Pending, int Try);

/// <summary>A hedge sent to the replica ended: the replica's result, or the exception its ask ended with.</summary>
internal sealed record HedgeAnswered(long Id, int Attempt, ICallResult? Result, Exception? Error);

/// <summary>A call waited in the queue until its queue deadline.</summary>
internal sealed record QueueWaitEnded(PendingCall Pending);

/// <summary>A call's backoff ended, or the next permits of the rate limit it waits for came: try it again.</summary>
internal sealed record RetryDue(PendingCall Pending);

/// <summary>The caller of <paramref name="Pending"/> cancelled: a call still waiting gives its place back and is answered now.</summary>
internal sealed record CallerGaveUp(PendingCall Pending);

/// <summary>The rate limit's next permits came while calls wait in the queue: start them.</summary>
internal sealed record PermitsDue
{
    public static readonly PermitsDue Instance = new();
}

/// <summary>Time to look whether the rate limit still refuses permits.</summary>
internal sealed record RateLimitCheck
{
    public static readonly RateLimitCheck Instance = new();
}

/// <summary>A single-flight follower reached its own deadline before the shared fetch answered.</summary>
internal sealed record FollowerDeadline(PendingCall Follower);

/// <summary>An open breaker's reset timeout ended: time to look at it again.</summary>
internal sealed record BreakerDue
{
    public static readonly BreakerDue Instance = new();
}

/// <summary>The breaker went half-open (or the probe may run again): run the dependency's own probe if it has one.</summary>
internal sealed record ProbeDue
{
    public static readonly ProbeDue Instance = new();
}

/// <summary>A run of the dependency's own probe, handed out in half-open round <paramref name="Round"/>, ended.</summary>
internal sealed record ProbeEnded(long Round, AttemptOutcome<object?> Outcome);

/// <summary>Periodic look at whether the bulkhead still rejects.</summary>
internal sealed record RejectingCheck
{
    public static readonly RejectingCheck Instance = new();
}

/// <summary>Periodic look, while the breaker follows the cluster, at whether the prober still sends news.</summary>
internal sealed record FollowCheck
{
    public static readonly FollowCheck Instance = new();
}

/// <summary>Sent to itself by a crashing dependency actor: the state its next instance takes over.</summary>
internal sealed record AdoptState(DependencyState State);

/// <summary>The exception thrown on purpose by <see cref="CrashDependencyActor"/>.</summary>
internal sealed class ChaosCrashException(string dependency)
    : Exception($"Chaos: the actor of dependency '{dependency}' was told to crash.");

internal readonly record struct FollowerTimerKey(long Id);

internal readonly record struct RetryTimerKey(long Id);

internal readonly record struct QueueTimerKey(long Id);

internal readonly record struct HedgeTimerKey(long Id);
