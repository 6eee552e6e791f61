namespace Orchestrator.Contracts;

/// <summary>Which step of the fallback chain produced a degraded answer.</summary>
public enum FallbackSource
{
    /// <summary>The fallback carried by the call itself.</summary>
    CallFallback,
    /// <summary>The default value declared for the dependency.</summary>
    DependencyDefault,
    /// <summary>An earlier answer from the dependency's cache, past its fresh time (stale-on-error).</summary>
    StaleCache,
    /// <summary>The dependency's replica (or alternate provider); its answer may be stale.</summary>
    Replica,
}
