namespace Orchestrator.Contracts;

/// <summary>How one part of a composed response turned out.</summary>
public enum PartStatus
{
    /// <summary>The dependency answered (live, or fresh from its cache).</summary>
    Succeeded,
    /// <summary>A fallback step answered (stale cache, replica, the call's fallback, a default), or a stale cached value was served.</summary>
    Degraded,
    /// <summary>No value: the part is left out (see the reason).</summary>
    Omitted,
    /// <summary>
    /// No value, by the caller's own error: the dependency said no to the request (see <see cref="ICallResult.Refusal"/>).
    /// Not a degradation.
    /// </summary>
    Refused,
}
