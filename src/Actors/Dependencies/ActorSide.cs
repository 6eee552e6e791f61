using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The actor's side of a dependency's pipeline: its answers to the stages' questions from what it owns (the breaker,
/// which a call arriving after the open period moves; the queue; the cache and its single flight). The shedder and
/// the gate are the handle's, shared with the caller's side. After an attempt it started, outcomes go straight to
/// its breaker, a failure after the callers' successes counted when the attempt ended (<paramref name="successesBefore"/>).
/// Used on the actor's thread only.
/// </summary>
internal readonly struct ActorSide(CallDesk desk, PendingCall pending, SuccessMark successesBefore) : IPipelineSide, IAttemptSide
{
    public DateTimeOffset Now => desk.Handle.Time.GetUtcNow();
    public bool FeatureAllows(GuardedCall call) => desk.Handle.Controls.Board.Current.Allows(call.Tier, call.Feature);
    public bool TryAdmitLoad(GuardedCall call) => desk.Handle.TryAdmitLoad(call);

    /// <summary>The breaker moved first (a call arriving after the open period moves it, as its timer would), then the one check of both sides.</summary>
    public BreakerCheck CheckBreaker()
    {
        desk.Breaker.Refresh();
        return desk.Handle.CheckBreaker() == BreakerCheck.Passes ? BreakerCheck.Passes : BreakerCheck.Rejects;
    }

    public GateCheck TryEnterGate(GuardedCall call) => desk.Handle.TryEnterGate();
    public CacheCheck CheckCache(GuardedCall call) => desk.Cache.Check(pending);
    public AttemptCheck TryStartAttempt(GuardedCall call) => desk.TryStartAttempt(pending);

    // ---- after an attempt the actor started ---------------------------------------------------------------------

    public string Dependency => desk.Handle.Name;
    public DependencyOptions Options => pending.Options; // the call's own snapshot (see PendingCall.Options)
    public BreakerBoard Board => desk.Handle.Breaker;

    /// <summary>The slot goes back to the bulkhead; the actor starts the waiting calls itself after every attempt (<see cref="CallDesk.Drain"/>).</summary>
    public void ReleaseSlot() => desk.Bulkhead.Release();

    public void RecordSuccess(TimeSpan duration, BreakerPermit permit, long round) => desk.Breaker.RecordSuccess(duration, permit, round);
    public void RecordFailure(TimeSpan duration, BreakerPermit permit, long round)
    {
        desk.Successes.CollectUpTo(successesBefore); // the callers' successes before it first: the breaker sees them in order
        desk.Breaker.RecordFailure(duration, permit, round);
    }
    public void CountTimeout() => desk.Handle.Stats.CountTimeout();
    public void Warn(string? problem) => desk.Handle.WarnAbout(problem);
}
