namespace Orchestrator.Actors.Pipeline;

/// <summary>
/// The stages every guarded call passes, in this order, whoever takes it in (the caller's side through a
/// dependency's handle, or the dependency's actor): see <see cref="CallPipeline"/>. A call handed from the
/// caller's side to the actor resumes at the stage where it was handed over; no stage is passed twice.
/// </summary>
internal enum PipelineStage : byte
{
    /// <summary>A deadline already past: rejected at once (<c>DeadlineExceeded</c>), no work, no fallback.</summary>
    Deadline,
    /// <summary>The call's tier or feature switched off: the fallback chain (<c>FeatureDisabled</c>).</summary>
    Feature,
    /// <summary>The node's load shedder: over the limit for the call's tier, the fallback chain (<c>Shed</c>).</summary>
    Shedding,
    /// <summary>The dependency's breaker: open, isolated or without a probe left, the fallback chain (<c>BreakerOpen</c>).</summary>
    Breaker,
    /// <summary>The dependency's room (slots, queue and cache waiters): full, the fallback chain (<c>BulkheadFull</c>).</summary>
    Bulkhead,
    /// <summary>The dependency's cache: a fresh answer, a stale one while it is refreshed, or the fetch in flight for the same key.</summary>
    Cache,
    /// <summary>
    /// The breaker's permit (a probe when half-open), a running slot and the rate limit's permit, or a place in the queue
    /// (<c>RateLimited</c> when the rate limit has no permit and no place to wait): then the attempt.
    /// </summary>
    Attempt,
}
