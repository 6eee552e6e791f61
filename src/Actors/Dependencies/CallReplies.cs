using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The answers of the calls in the actor's hands: a success (shared with the calls waiting on the same fetch), an
/// answer without fallback (the caller's fault, the deadline), or the <see cref="FallbackChain"/>. Every call gets
/// exactly one: it leaves the actor's books in the same step that answers it. Used on the actor's thread only.
/// </summary>
internal sealed class CallReplies(DependencyHandle handle, DependencyState state, ITimerScheduler timers, ILoggingAdapter log)
{
    /// <summary>
    /// The dependency answered: cache it, and answer the call and every call waiting on the same fetch. An answer of
    /// a hedge on the replica (<paramref name="fromReplica"/>) is marked possibly stale, and not cached as the dependency's.
    /// </summary>
    public void Succeed(PendingCall pending, object? value, bool fromReplica = false)
    {
        if (pending.CacheKey is { } key && !fromReplica) handle.Cache!.Set(key, value);
        var report = new CallReport(CallOutcome.Succeeded, value, DegradationReason.None, null, null, null, TimeSpan.Zero, 0)
        {
            Freshness = fromReplica ? ValueFreshness.PossiblyStale : ValueFreshness.Live,
        };
        foreach (var follower in ReleaseFlight(pending))
        {
            follower.Attempts = pending.Attempts;
            Reply(follower, report);
        }
        Reply(pending, report);
    }

    /// <summary>Answers the call, and the calls waiting on it, without a fallback (deadline passed, caller's error).</summary>
    /// <remarks>
    /// The calls that waited on it did nothing wrong: when it was the leader's deadline that cut the shared fetch
    /// short, they walk their own fallback chains instead.
    /// </remarks>
    public void AnswerAll(PendingCall pending, CallOutcome outcome, DegradationReason reason, string detail, Exception? error = null)
    {
        foreach (var follower in ReleaseFlight(pending))
        {
            follower.Attempts = pending.Attempts;
            if (reason == DegradationReason.DeadlineExceeded)
                Degrade(follower, DegradationReason.Timeout, error, $"The shared fetch of '{handle.Name}' for this key was cut short by the deadline of the call that led it.");
            else
                Reply(follower, new CallReport(outcome, null, reason, null, error, detail, TimeSpan.Zero, 0));
        }
        Reply(pending, new CallReport(outcome, null, reason, null, error, detail, TimeSpan.Zero, 0));
    }

    /// <summary>
    /// The primary answer is missing: each waiting call walks its own <see cref="FallbackChain"/>. The call leaves the
    /// actor's books at once; a chain that runs user code (replica, fallback) finishes off the actor's thread and
    /// answers by itself.
    /// </summary>
    public void Degrade(PendingCall pending, DegradationReason reason, Exception? error, string detail)
    {
        foreach (var follower in ReleaseFlight(pending))
        {
            follower.Attempts = pending.Attempts;
            Degrade(follower, reason, error, detail);
        }
        if (pending.IsRefresh)
        {
            Finish(pending);
            log.Debug("Background refresh of {Dependency} key {Key} failed: {Detail}", handle.Name, pending.CacheKey, detail);
            return;
        }
        if (!Finish(pending)) return;
        var walk = FallbackChain.Walk(handle, new ChainRequest(pending.Call, reason, error, detail, pending.Attempts, Offload: true)
        {
            Before = pending.Trail,
            ReplicaAsked = pending.ReplicaHedgeFailed,
            Span = pending.Span,
        });
        if (walk.IsCompletedSuccessfully) Send(pending, walk.Result);
        else _ = SendLater(handle, pending.Call, pending.ReplyTo, pending.Held, pending.Arrived, walk, pending.Span, pending.HedgeReport);
    }

    private static async Task SendLater(DependencyHandle handle, GuardedCall call, IActorRef replyTo, Holdings held, long arrived, ValueTask<CallReport> walk,
        Activity? span, HedgeReport? hedge) =>
        replyTo.Tell(handle.Answer(call, (await walk.ConfigureAwait(false)) with { Hedge = hedge }, held, arrived, span));

    /// <summary>The one answer of a call: out of the actor's books, given back what it held, counted, told to its caller.</summary>
    public void Reply(PendingCall pending, CallReport report)
    {
        if (Finish(pending)) Send(pending, report with { Attempts = pending.Attempts, Trail = pending.Trail.Count == 0 ? [] : [.. pending.Trail] });
    }

    private void Send(PendingCall pending, CallReport report)
    {
        if (pending.IsRefresh) return;
        if (pending.HedgeReport is { } hedge) report = report with { Hedge = hedge };
        pending.ReplyTo.Tell(handle.Answer(pending.Call, report, pending.Held, pending.Arrived, pending.Span));
    }

    /// <summary>Takes a call out of the actor's books; false if it was answered already.</summary>
    private bool Finish(PendingCall pending)
    {
        if (pending.Phase == CallPhase.Answered) return false;
        pending.Phase = CallPhase.Answered;
        pending.StopWatchingCaller();
        if (pending.Deadline is not null) timers.Cancel(new FollowerTimerKey(pending.Id));
        return true;
    }

    /// <summary>Ends a flight: the leader no longer stands for its key; returns the calls that waited on it.</summary>
    public List<PendingCall> ReleaseFlight(PendingCall leader)
    {
        if (leader.CacheKey is { } key && state.Flights.TryGetValue(key, out var current) && ReferenceEquals(current, leader))
            state.Flights.Remove(key);
        var followers = leader.Followers ?? [];
        leader.Followers = null;
        return followers;
    }
}
