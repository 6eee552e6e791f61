using Orchestrator.Actors.Breaker;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Pipeline;

/// <summary>
/// The one decision sequence of a guarded call, used by every way in (a tell to the supervisor, a tell or ask to a
/// dependency's handle, the typed client, the write queue's deliveries, a call told straight to a dependency's
/// actor). It holds no state and does no I/O: each stage's question goes to an <see cref="IPipelineSide"/>, and
/// the answers decide, always in this order:
/// <list type="number">
/// <item>deadline: already past, rejected (no work, no fallback);</item>
/// <item>tier and feature: switched off, the fallback chain;</item>
/// <item>load shedding: over the node's limit for the tier, the fallback chain;</item>
/// <item>breaker: open, isolated or without a probe, the fallback chain;</item>
/// <item>bulkhead (the dependency's room): full, the fallback chain;</item>
/// <item>cache: a fresh answer, a stale one while it is refreshed, or the fetch in flight for the same key;</item>
/// <item>attempt: the breaker's permit (a probe when half-open), a slot and the rate limit's permit, else a place in
/// the queue (for a slot, or for a permit when the rate limit lets calls wait);</item>
/// </list>
/// then, after the attempt (<see cref="AfterAttempt"/>): outcome classification, retry, fallback chain
/// (<see cref="FallbackChain"/>: cache, replica, the call's fallback, the dependency's default).
/// </summary>
internal static class CallPipeline
{
    /// <summary>
    /// Takes <paramref name="call"/> through the stages from <paramref name="from"/> on (a call handed over from the
    /// caller's side resumes where it was handed over, with what it holds); stops at the first that decides.
    /// </summary>
    public static Verdict Admit<TSide>(ref TSide side, GuardedCall call, PipelineStage from = PipelineStage.Deadline, Holdings held = Holdings.None)
        where TSide : struct, IPipelineSide
    {
        if (from <= PipelineStage.Deadline && call.Deadline is { } deadline && deadline <= side.Now)
            return new(VerdictKind.Reject, PipelineStage.Deadline, held, DegradationReason.DeadlineExceeded);

        if (from <= PipelineStage.Feature && !side.FeatureAllows(call))
            return new(VerdictKind.Degrade, PipelineStage.Feature, held, DegradationReason.FeatureDisabled);

        if (from <= PipelineStage.Shedding)
        {
            if (!side.TryAdmitLoad(call)) return new(VerdictKind.Degrade, PipelineStage.Shedding, held, DegradationReason.Shed);
            held |= Holdings.Load;
        }

        if (from <= PipelineStage.Breaker)
        {
            switch (side.CheckBreaker())
            {
                case BreakerCheck.Rejects: return new(VerdictKind.Degrade, PipelineStage.Breaker, held, DegradationReason.BreakerOpen);
                case BreakerCheck.Defer: return new(VerdictKind.Defer, PipelineStage.Breaker, held);
            }
        }

        if (from <= PipelineStage.Bulkhead)
        {
            switch (side.TryEnterGate(call))
            {
                case GateCheck.Full: return new(VerdictKind.Degrade, PipelineStage.Bulkhead, held, DegradationReason.BulkheadFull);
                case GateCheck.Closed: return new(VerdictKind.Reject, PipelineStage.Bulkhead, held, DegradationReason.ActorFailure);
            }
            held |= Holdings.Gate;
        }

        if (from <= PipelineStage.Cache)
        {
            switch (side.CheckCache(call))
            {
                case CacheCheck.Handled: return new(VerdictKind.Handled, PipelineStage.Cache, held);
                case CacheCheck.Defer: return new(VerdictKind.Defer, PipelineStage.Cache, held);
            }
        }

        var attempt = side.TryStartAttempt(call);
        return attempt.Kind switch
        {
            AttemptCheckKind.Run => new(VerdictKind.Run, PipelineStage.Attempt, held, Permit: attempt.Permit, ProbeRound: attempt.ProbeRound),
            AttemptCheckKind.Queued => new(VerdictKind.Handled, PipelineStage.Attempt, held),
            AttemptCheckKind.Defer => new(VerdictKind.Defer, PipelineStage.Attempt, held),
            AttemptCheckKind.Full => new(VerdictKind.Degrade, PipelineStage.Attempt, held, DegradationReason.BulkheadFull),
            AttemptCheckKind.RateLimited => new(VerdictKind.Degrade, PipelineStage.Attempt, held, DegradationReason.RateLimited),
            _ => new(VerdictKind.Degrade, PipelineStage.Attempt, held, DegradationReason.BreakerOpen),
        };
    }

    /// <summary>
    /// What follows an attempt: its answer; the caller's own fault, its cancellation or a cut by the deadline answered as they are
    /// (no retry, no fallback); a failure retried when <paramref name="retryable"/> (transient, attempts left: the
    /// dependency's actor then checks the breaker, the deadline and the retry budget), else the fallback chain.
    /// </summary>
    public static NextStep AfterAttempt(OutcomeClass outcome, bool retryable) => outcome switch
    {
        OutcomeClass.Success => NextStep.Answer,
        OutcomeClass.CallersFault or OutcomeClass.DeadlineCut or OutcomeClass.Cancelled => NextStep.AnswerWithoutChain,
        _ when retryable => NextStep.Retry,
        _ => NextStep.Degrade,
    };
}

/// <summary>What follows an attempt (see <see cref="CallPipeline.AfterAttempt"/>).</summary>
internal enum NextStep : byte
{
    /// <summary>The dependency answered: give the answer.</summary>
    Answer,
    /// <summary>Answer the failure as it is (the caller's fault, or the deadline), without retry or fallback.</summary>
    AnswerWithoutChain,
    /// <summary>Try again after a backoff, if the breaker, the deadline and the retry budget allow (else the chain).</summary>
    Retry,
    /// <summary>Walk the fallback chain.</summary>
    Degrade,
}
