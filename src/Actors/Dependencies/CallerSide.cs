using Akka.Actor;
using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The caller's side of a dependency's pipeline: every stage answered lock-free from what the dependency's actor
/// publishes (the breaker's board, the bulkhead's slots and queue length) and from the node's controls. Where only
/// the actor can go on (the breaker's open period just ended, the cache and its single flight, a wait in the queue)
/// it says <c>Defer</c>, and the call is handed over. After an attempt run here, outcomes reach the breaker as
/// messages to the actor (successes in batches).
/// </summary>
internal readonly struct CallerSide(DependencyHandle handle) : IPipelineSide, IAttemptSide
{
    public DateTimeOffset Now => handle.Time.GetUtcNow();

    public bool FeatureAllows(GuardedCall call) => handle.Controls.Board.Current.Allows(call.Tier, call.Feature);

    public bool TryAdmitLoad(GuardedCall call) => handle.TryAdmitLoad(call);

    public BreakerCheck CheckBreaker() => handle.CheckBreaker();

    public GateCheck TryEnterGate(GuardedCall call) => handle.TryEnterGate();

    public CacheCheck CheckCache(GuardedCall call) => handle.Cache is not null && call.Key is not null ? CacheCheck.Defer : CacheCheck.Miss;

    /// <summary>
    /// The breaker's permit, then a place if one is free and nobody waits, then the rate limit's permit (else the actor
    /// queues the call, or it is turned away when the rate limit lets none wait; a slot and a probe taken go back).
    /// </summary>
    public AttemptCheck TryStartAttempt(GuardedCall call)
    {
        // A hedged call's attempts run in the actor, which starts and cancels them.
        if (handle.Options.Hedging.Enabled) return AttemptCheck.Defer;
        var permit = handle.Breaker.TryAcquire(out var round);
        if (permit == BreakerPermit.Rejected) return AttemptCheck.BreakerOpen;
        if (handle.Slots.TryTakeAhead())
        {
            if (handle.RateLimit is not { } limit) return AttemptCheck.Run(permit, round);
            // While calls wait for permits in the actor, a new one goes behind them (the actor places it).
            var startedLimiting = false;
            if (limit.Waiting == 0 && limit.TryAcquire(out startedLimiting)) return AttemptCheck.Run(permit, round);
            handle.ReleaseSlot();
            if (permit == BreakerPermit.Probe) handle.Breaker.ReturnProbe(round);
            if (startedLimiting) handle.Actor.Tell(RateLimitReached.Instance);
            return limit.Options.QueueLimit > 0 ? AttemptCheck.Defer : AttemptCheck.RateLimited;
        }
        if (permit == BreakerPermit.Probe) handle.Breaker.ReturnProbe(round);
        return AttemptCheck.Defer;
    }

    // ---- after an attempt run here ----------------------------------------------------------------------------------

    public string Dependency => handle.Name;

    public DependencyOptions Options => handle.Options;

    public BreakerBoard Board => handle.Breaker;

    public void ReleaseSlot() => handle.ReleaseSlot();

    /// <summary>A probe is told at once; other successes are counted and handed over in batches.</summary>
    public void RecordSuccess(TimeSpan duration, BreakerPermit permit, long round)
    {
        if (permit == BreakerPermit.Probe)
        {
            handle.Actor.Tell(new ProbeSucceeded(duration, round));
            return;
        }
        var slow = handle.Options.Breaker.SlowCallDuration is { } limit && duration >= limit;
        if (handle.Tally.Add(slow)) handle.Actor.Tell(new SuccessesReady(handle.Tally.Mark()));
    }

    public void RecordFailure(TimeSpan duration, BreakerPermit permit, long round) => handle.Actor.Tell(new AttemptFailed(duration, permit, round, handle.Tally.Mark()));

    public void CountTimeout() => handle.Stats.CountTimeout();

    public void Warn(string? problem) => handle.WarnAbout(problem);
}
