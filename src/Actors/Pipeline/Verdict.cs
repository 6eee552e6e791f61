using Orchestrator.Actors.Breaker;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Pipeline;

/// <summary>What <see cref="CallPipeline.Admit{TSide}"/> decided for a call.</summary>
internal enum VerdictKind : byte
{
    /// <summary>Run the attempt now: the call holds a slot and the breaker's permit.</summary>
    Run,
    /// <summary>The side took care of the call (answered it from the cache, queued it, or made it wait on a fetch in flight).</summary>
    Handled,
    /// <summary>Hand the call to the dependency's actor, to resume at <see cref="Verdict.Stage"/>.</summary>
    Defer,
    /// <summary>The primary answer is out of reach: walk the fallback chain with <see cref="Verdict.Reason"/>.</summary>
    Degrade,
    /// <summary>Answer at once, without the fallback chain (a deadline already past, an actor stopped for good).</summary>
    Reject,
}

/// <summary>
/// The pipeline's decision for a call: what to do, at which stage it was made, why (for a degraded or rejected
/// call), the breaker's permit (to run), and what the call holds by now (to give back when it is answered).
/// </summary>
internal readonly record struct Verdict(
    VerdictKind Kind,
    PipelineStage Stage,
    Holdings Held,
    DegradationReason Reason = DegradationReason.None,
    BreakerPermit Permit = BreakerPermit.Rejected,
    long ProbeRound = 0);
