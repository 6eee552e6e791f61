using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Actors.Retry;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// Retries in the actor's hands: a failed try is tried again after a backoff with full jitter, on a timer, when the
/// breaker, the deadline and the retry budget allow; a call waiting for the rate limit's permits comes back the same way.
/// </summary>
internal sealed partial class CallDesk
{
    /// <summary>
    /// Schedules another attempt after a backoff with full jitter, if the breaker lets calls through, the deadline
    /// leaves time for the delay, and the retry budget allows it. When only the budget says no, <paramref name="detail"/> says so.
    /// </summary>
    private bool TryScheduleRetry(PendingCall pending, ref string detail)
    {
        var retry = pending.Options.Retry; // the call's own snapshot: its caller waits for these retries
        if (pending.Tries >= retry.MaxAttempts || !Breaker.IsCallPermitted) return false;
        var now = _handle.Time.GetUtcNow();
        var delay = Backoff.FullJitter(pending.Tries, retry.BaseDelay, retry.MaxDelay, _random());
        if (pending.Deadline is { } deadline && now + delay >= deadline) return false;
        if (!_state.Budget.TryWithdraw())
        {
            _state.RetriesDenied++;
            detail += $" Not retried: the retry budget of '{Name}' is spent.";
            pending.Trail.Add(new ChainStep("retry", DegradationReason.RetryBudgetExhausted, $"The retry budget of '{Name}' allows no more retries now."));
            return false;
        }
        _state.Retries++;
        pending.Phase = CallPhase.BackingOff;
        pending.RetryAt = now + delay;
        _state.BackingOff[pending.Id] = pending;
        _timers.StartSingleTimer(new RetryTimerKey(pending.Id), new RetryDue(pending), delay);
        OrchestratorTracing.RetryScheduled(pending.Span, pending.LastNumber + 1, delay);
        return true;
    }

    public void OnRetryDue(RetryDue due)
    {
        var pending = due.Pending;
        if (!_state.BackingOff.Remove(pending.Id)) return;
        var waitedForPermits = pending.Phase == CallPhase.WaitingForPermit;
        pending.Phase = CallPhase.New;
        if (pending.CallerCancelled) // its CallerGaveUp is still behind in the mailbox
            AnswerGaveUp(pending, waitedForPermits ? CallPhase.WaitingForPermit : CallPhase.BackingOff);
        else
            Process(pending, PipelineStage.Attempt);
        // It started, or waits in the queue for a slot, or was answered: its place among those waiting for permits
        // is free, and a later wait (a retry's) is timed afresh.
        if (pending.Phase != CallPhase.WaitingForPermit) LeavePermitWait(pending);
    }

    /// <summary>Gives back the call's place among those waiting for the rate limit's permits, if it holds one.</summary>
    private void LeavePermitWait(PendingCall pending)
    {
        if (!pending.HoldsPermitPlace) return;
        _handle.RateLimit!.RemoveWaiter();
        pending.HoldsPermitPlace = false;
        pending.WaitingForPermitSince = null;
    }
}
