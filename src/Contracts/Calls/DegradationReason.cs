namespace Orchestrator.Contracts;

/// <summary>Why a call did not get its primary answer.</summary>
public enum DegradationReason
{
    /// <summary>Nothing went wrong.</summary>
    None,
    /// <summary>The dependency's circuit breaker is open (or isolated, or half-open with all probes taken).</summary>
    BreakerOpen,
    /// <summary>The dependency's bulkhead had no free slot and its queue was full.</summary>
    BulkheadFull,
    /// <summary>The call's deadline passed before the work could start or finish.</summary>
    DeadlineExceeded,
    /// <summary>The work ran longer than its timeout and was cancelled.</summary>
    Timeout,
    /// <summary>The work threw an exception.</summary>
    Error,
    /// <summary>Admission control shed the call to protect the node.</summary>
    Shed,
    /// <summary>The call's feature is switched off.</summary>
    FeatureDisabled,
    /// <summary>No dependency of that name is declared.</summary>
    UnknownDependency,
    /// <summary>The dependency's actor stopped or crashed while the call was in its hands.</summary>
    ActorFailure,
    /// <summary>A fallback step had nothing to give (no cached answer, no replica work for the call).</summary>
    Unavailable,
    /// <summary>The retry budget was spent, so a transient failure was not retried.</summary>
    RetryBudgetExhausted,
    /// <summary>The caller cancelled the call (its <see cref="System.Threading.CancellationToken"/>): the work was cancelled; nothing is said about the dependency.</summary>
    Cancelled,
    /// <summary>The dependency's rate limit had no permit for the attempt (and no place to wait for one): nothing is said about the dependency.</summary>
    RateLimited,
}
