namespace Orchestrator.Bench.Scenarios.Ways;

/// <summary>
/// What the caller got: the dependency's answer, a degraded one (a fallback, or turned away with one), nothing, or
/// the dependency's refusal of a request with bad input (its 404: the right answer to it).
/// </summary>
public enum Answer
{
    Succeeded,
    Degraded,
    Failed,
    Refused,
}
