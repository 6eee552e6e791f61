namespace Orchestrator.Bench.Scenarios.Measurement;

/// <summary>One scenario, run each of its ways.</summary>
public sealed record ScenarioResult(
    string Scenario,
    string Description,
    double DurationSeconds,
    double CapacityPerSecond,
    double RatePerSecond,
    double DeadlineMs,
    double? FaultStartsSeconds,
    double? FaultEndsSeconds,
    IReadOnlyList<WayResult> Ways)
{
    /// <summary>For a flood scenario: the bad requests sent a second during the window (see <c>FloodSpec</c>); null otherwise.</summary>
    public double? Flood { get; init; }
}
