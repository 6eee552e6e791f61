namespace Orchestrator.Contracts;

/// <summary>Which fallback produced a degraded answer.</summary>
public enum FallbackSource
{
    /// <summary>The fallback carried by the call itself.</summary>
    CallFallback,
    /// <summary>The default value declared for the dependency.</summary>
    DependencyDefault,
}
