using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The caller's side of a dependency's pipeline: every stage answered lock-free from what the dependency's actor
/// publishes (the breaker's board, the bulkhead's slots and queue length) and from the node's controls. Where only
/// the actor can go on (the breaker's open period just ended, the cache and its single flight, a wait in the queue)
/// it says <c>Defer</c>, and the call is handed over.
/// </summary>
internal readonly struct CallerSide(DependencyHandle handle) : IPipelineSide
{
    public DateTimeOffset Now => handle.Time.GetUtcNow();

    public bool FeatureAllows(GuardedCall call) => handle.Controls.Board.Current.Allows(call.Tier, call.Feature);

    public bool TryAdmitLoad(GuardedCall call) => handle.TryAdmitLoad(call);

    public BreakerCheck CheckBreaker()
    {
        var board = handle.Breaker;
        var (state, probesLeft) = board.Read(); // one read: the actor may move the breaker meanwhile
        return state switch
        {
            BreakerState.Closed => BreakerCheck.Passes,
            BreakerState.HalfOpen => probesLeft > 0 ? BreakerCheck.Passes : BreakerCheck.Rejects,
            BreakerState.Open => board.OpenPeriodEndedAt(Now) ? BreakerCheck.Defer : OpenRejects(board),
            _ => BreakerCheck.Rejects,
        };
    }

    /// <summary>An open breaker turns the call away; one that follows the cluster (no end of its own) hears that callers want the dependency.</summary>
    private BreakerCheck OpenRejects(BreakerBoard board)
    {
        if (board.OpenUntil is null) handle.NoteWantedWhileFollowing();
        return BreakerCheck.Rejects;
    }

    public GateCheck TryEnterGate(GuardedCall call) => handle.TryEnterGate();

    public CacheCheck CheckCache(GuardedCall call) => handle.Cache is not null && call.Key is not null ? CacheCheck.Defer : CacheCheck.Miss;

    public AttemptCheck TryStartAttempt(GuardedCall call)
    {
        if (!handle.Slots.TryTakeAhead()) return AttemptCheck.Defer;
        var board = handle.Breaker;
        var state = board.State;
        if (state == BreakerState.Closed) return AttemptCheck.Run(BreakerPermit.Allowed, 0);
        if (state == BreakerState.HalfOpen && board.TryTakeProbe(out var round)) return AttemptCheck.Run(BreakerPermit.Probe, round);
        handle.ReleaseSlot();
        return AttemptCheck.BreakerOpen;
    }
}
