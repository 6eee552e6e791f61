namespace Orchestrator.Contracts;

/// <summary>Why a feature is on or off.</summary>
public enum FeatureSwitch
{
    /// <summary>On or off by its tier and the stress level.</summary>
    ByTier,
    /// <summary>Switched by hand; stays so until the override is cleared.</summary>
    Manual,
    /// <summary>Off for a cool-down because its dependency keeps failing; back on by itself.</summary>
    Temporary,
}
