namespace Orchestrator.Contracts;

/// <summary>How current a result's value is.</summary>
public enum ValueFreshness
{
    /// <summary>Answered just now by the dependency itself (or there is no value).</summary>
    Live,
    /// <summary>From the cache, within its fresh time.</summary>
    Cached,
    /// <summary>From the cache, past its fresh time (see the result's age).</summary>
    Stale,
    /// <summary>From a replica or alternate provider, which may lag behind the primary.</summary>
    PossiblyStale,
}
