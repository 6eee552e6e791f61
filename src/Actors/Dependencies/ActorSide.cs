using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The actor's side of a dependency's pipeline: its answers to the stages' questions from what it owns (the breaker,
/// which a call arriving after the open period moves; the queue; the cache and its single flight). The shedder and
/// the gate are the handle's, shared with the caller's side. Used on the actor's thread only.
/// </summary>
internal readonly struct ActorSide(CallDesk desk, PendingCall pending) : IPipelineSide
{
    public DateTimeOffset Now => desk.Handle.Time.GetUtcNow();
    public bool FeatureAllows(GuardedCall call) => desk.Handle.Controls.Board.Current.Allows(call.Tier, call.Feature);
    public bool TryAdmitLoad(GuardedCall call) => desk.Handle.TryAdmitLoad(call);

    public BreakerCheck CheckBreaker()
    {
        desk.Breaker.Refresh(); // a call arriving after the open period moves the breaker, as its timer would
        if (desk.Breaker.IsCallPermitted) return BreakerCheck.Passes;
        if (desk.Breaker.FollowsCluster) desk.Handle.NoteWantedWhileFollowing();
        return BreakerCheck.Rejects;
    }

    public GateCheck TryEnterGate(GuardedCall call) => desk.Handle.TryEnterGate();
    public CacheCheck CheckCache(GuardedCall call) => desk.Cache.Check(pending);
    public AttemptCheck TryStartAttempt(GuardedCall call) => desk.TryStartAttempt(pending);
}
