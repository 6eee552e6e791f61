using Akka.Actor;
using Orchestrator.Actors.Breaker;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The rate limit's permits in the actor's hands: an attempt takes one as it starts; a call without one gives back
/// its slot (and probe) and waits for the next permits on a timer, if the limit lets calls wait, a place is free and
/// they come in time for it; else it is turned away (<c>RateLimited</c>).
/// </summary>
internal sealed partial class CallDesk
{
    private const string PermitsDueTimerKey = "permits-due";

    /// <summary>The rate limit's permit for an attempt (always, without a rate limit); the first refusal in a while is told to the watch.</summary>
    private bool TakeRatePermit()
    {
        if (_handle.RateLimit is not { } limit) return true;
        if (limit.TryAcquire(out var startedLimiting)) return true;
        if (startedLimiting) _self.Tell(RateLimitReached.Instance);
        return false;
    }

    /// <summary>A call holding a slot and the breaker's permit got no permit of the rate limit: it gives them back, then waits for permits if it may.</summary>
    private bool WaitWithoutSlot(PendingCall pending, BreakerPermit permit, long round)
    {
        Bulkhead.Release();
        if (permit == BreakerPermit.Probe) Breaker.ReleaseProbe(round);
        return WaitForPermits(pending);
    }

    /// <summary>
    /// Sets <paramref name="pending"/> to wait for the rate limit's next permits, if the limit lets calls wait, a place
    /// is free, and they come before its wait must end (its timeout since it began to wait, or its deadline).
    /// </summary>
    private bool WaitForPermits(PendingCall pending)
    {
        if (_handle.RateLimit is not { } limit || limit.Options.QueueLimit == 0) return false;
        var now = _handle.Time.GetUtcNow();
        // A call that waited and found the permits taken again keeps its place; a new one needs a free place.
        if (!pending.HoldsPermitPlace && limit.Waiting >= limit.Options.QueueLimit) return false;
        pending.WaitingForPermitSince ??= now;
        var at = now + limit.UntilNextPermits();
        if (at >= pending.PermitWaitDeadline) return false;
        if (!pending.HoldsPermitPlace)
        {
            limit.AddWaiter();
            pending.HoldsPermitPlace = true;
        }
        pending.Phase = CallPhase.WaitingForPermit;
        pending.RetryAt = at;
        _state.BackingOff[pending.Id] = pending;
        _timers.StartSingleTimer(new RetryTimerKey(pending.Id), new RetryDue(pending), at - now);
        return true;
    }
}
