namespace Orchestrator.Contracts;

/// <summary>What happened to a guarded call.</summary>
public enum CallOutcome
{
    /// <summary>The dependency answered.</summary>
    Succeeded,
    /// <summary>The dependency did not answer, a fallback did (see <see cref="FallbackSource"/> and the reason).</summary>
    Fallback,
    /// <summary>The call was not attempted (see the reason); no fallback was available.</summary>
    Rejected,
    /// <summary>The dependency was called and failed, and no fallback was available.</summary>
    Failed,
    /// <summary>
    /// The caller's own error: the dependency said no to the request (a 4xx such as not found, bad request or
    /// conflict), or the work refused its input (see <see cref="ICallResult.Refusal"/>). It is the caller's answer,
    /// not a degradation: never counted against the dependency (breaker, stress, degraded), never retried, no fallback.
    /// </summary>
    Refused,
}
