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
}
