namespace Orchestrator.Bench.Scenarios.Ways;

/// <summary>What the caller got: the dependency's answer, a degraded one (a fallback, or turned away with one), or nothing.</summary>
public enum Answer
{
    Succeeded,
    Degraded,
    Failed,
}
