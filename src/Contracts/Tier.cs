namespace Orchestrator.Contracts;

/// <summary>How much a feature or a call matters when the node is under stress.</summary>
public enum Tier
{
    /// <summary>Never disabled and shed last (checkout, payment).</summary>
    Critical = 0,
    /// <summary>Disabled only under severe stress.</summary>
    Important = 1,
    /// <summary>The first thing to go when the node is stressed.</summary>
    Optional = 2,
}
