using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// Callers who give up: a call waiting in the actor's hands watches its caller's token (<see cref="PendingCall.WatchCaller"/>),
/// and leaves its wait as soon as the caller cancels; a call found cancelled where it would start or be retried is
/// answered instead, whichever message came first.
/// </summary>
internal sealed partial class CallDesk
{
    /// <summary>
    /// The caller cancelled: a call waiting in the queue, backing off or waiting for the rate limit's permits leaves
    /// its wait and is answered <see cref="DegradationReason.Cancelled"/> now (its place is free for the next caller);
    /// a running call's attempts have the token already, and an answered one is done.
    /// </summary>
    public void OnCallerGaveUp(CallerGaveUp gaveUp)
    {
        var pending = gaveUp.Pending;
        var waitedIn = pending.Phase;
        switch (waitedIn)
        {
            case CallPhase.Queued when Bulkhead.RemoveQueued(pending):
                _timers.Cancel(new QueueTimerKey(pending.Id));
                break;
            case CallPhase.BackingOff or CallPhase.WaitingForPermit when _state.BackingOff.Remove(pending.Id):
                _timers.Cancel(new RetryTimerKey(pending.Id));
                LeavePermitWait(pending);
                break;
            default:
                return;
        }
        AnswerGaveUp(pending, waitedIn);
        Drain(); // a permit or a place it no longer waits for may serve the next call
    }

    /// <summary>Answers a call whose caller cancelled while it was in <paramref name="waitedIn"/>, before any further attempt was made.</summary>
    private void AnswerGaveUp(PendingCall pending, CallPhase waitedIn)
    {
        var waited = waitedIn switch
        {
            CallPhase.Queued => "waited in the queue for a slot",
            CallPhase.BackingOff => "waited to be retried",
            CallPhase.WaitingForPermit => "waited for a permit of the rate limit",
            _ => "was tried (the attempt failed)",
        };
        _replies.AnswerAll(pending, pending.Attempts > 0 ? CallOutcome.Failed : CallOutcome.Rejected, DegradationReason.Cancelled,
            $"The caller cancelled the call to '{Name}' while it {waited}; no further attempt was made for it.");
    }
}
