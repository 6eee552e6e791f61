namespace Orchestrator.Contracts;

/// <summary>How stressed the node is, as the priority coordinator judges it.</summary>
public enum StressLevel
{
    /// <summary>Every feature is on.</summary>
    Normal = 0,
    /// <summary>OPTIONAL features are off.</summary>
    Stressed = 1,
    /// <summary>OPTIONAL and IMPORTANT features are off; CRITICAL ones never are.</summary>
    Severe = 2,
}
