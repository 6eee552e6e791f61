using Akka.Actor;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// Every call in a dependency actor's hands (running, queued, backing off or waiting for permits, waiting on a single flight), for what a
/// restart or a stop must do with them: set their timers again, answer the call that crashed the actor, or answer
/// them all. Used on the actor's thread only.
/// </summary>
internal sealed class CallsInHand(DependencyHandle handle, DependencyState state, ITimerScheduler timers, CallReplies replies,
    Func<GuardedCall, IActorRef, long, Holdings, PendingCall> newPending)
{
    private string Name => handle.Name;

    /// <summary>Every call this actor holds, followers of single flights included.</summary>
    public IEnumerable<PendingCall> All()
    {
        var leaders = state.Running.Values.Concat(state.Bulkhead.QueuedItems).Concat(state.BackingOff.Values).ToList();
        return leaders
            .Concat(state.Flights.Values.Where(l => !leaders.Contains(l)))
            .SelectMany(l => l.Followers is { } f ? f.Prepend(l) : [l])
            .Distinct();
    }

    /// <summary>
    /// Answers the call in <paramref name="message"/>, which crashed the actor as it arrived (the new instance never
    /// sees it), unless it is already in hand; any other message is left alone.
    /// </summary>
    public void AnswerCrashed(object? message, IActorRef sender, Exception reason)
    {
        var (call, arrived, held) = message switch
        {
            AdmittedCall a => (a.Call, a.Arrived, a.Held),
            RetryHandover h => (h.Call, h.Arrived, h.Held),
            GuardedCall c => (c, handle.Time.GetTimestamp(), Holdings.None),
            _ => (null, 0L, Holdings.None),
        };
        if (call is null || All().Any(p => ReferenceEquals(p.Call, call))) return;
        replies.Reply(newPending(call, call.ReplyTo ?? sender, arrived, held), new CallReport(CallOutcome.Failed, null, DegradationReason.ActorFailure, null,
            reason, $"The actor of '{Name}' crashed while taking the call in: {reason.Message}", TimeSpan.Zero, 0));
    }

    /// <summary>Answers every call in hand: the actor stopped.</summary>
    public void AnswerAll()
    {
        foreach (var pending in All().ToList())
        {
            if (pending.Phase == CallPhase.Queued) state.Bulkhead.RemoveQueued(pending);
            var attempts = pending.InFlight.ToList();
            pending.InFlight.Clear();
            foreach (var attempt in attempts)
                if (!attempt.OnReplica) state.Bulkhead.Release();
            replies.Reply(pending, new CallReport(pending.Attempts == 0 ? CallOutcome.Rejected : CallOutcome.Failed, null, DegradationReason.ActorFailure, null,
                null, $"The actor of '{Name}' stopped while the call was in its hands.", TimeSpan.Zero, 0));
            foreach (var attempt in attempts)
            {
                // After the answer, and off this thread: the work's cancellation callbacks cannot hold up or break the stop.
                attempt.Ended();
                attempt.Cancel();
            }
        }
        state.Running.Clear();
        state.BackingOff.Clear();
        handle.RateLimit?.ClearWaiters();
        state.Flights.Clear();
    }

    /// <summary>Sets the timers of the calls in hand again (a restarted actor's timers are new).</summary>
    public void RearmTimers()
    {
        var now = handle.Time.GetUtcNow();
        foreach (var p in state.Bulkhead.QueuedItems)
            timers.StartSingleTimer(new QueueTimerKey(p.Id), new QueueWaitEnded(p), CallDesk.NotNegative(p.QueueDeadline - now));
        foreach (var p in state.BackingOff.Values)
            timers.StartSingleTimer(new RetryTimerKey(p.Id), new RetryDue(p), CallDesk.NotNegative(p.RetryAt - now));
        foreach (var p in state.Running.Values.Where(p => p.NextHedgeAt is not null))
            timers.StartSingleTimer(new HedgeTimerKey(p.Id), new HedgeDue(p, p.Tries), CallDesk.NotNegative(p.NextHedgeAt!.Value - now));
        foreach (var f in state.Flights.Values.SelectMany(l => l.Followers ?? []).Where(f => f.Deadline is not null))
            timers.StartSingleTimer(new FollowerTimerKey(f.Id), new FollowerDeadline(f), CallDesk.NotNegative(f.Deadline!.Value - now));
    }
}
