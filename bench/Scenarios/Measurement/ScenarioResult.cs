namespace Orchestrator.Bench.Scenarios.Measurement;

/// <summary>One scenario, run the three ways.</summary>
public sealed record ScenarioResult(
    string Scenario,
    string Description,
    double DurationSeconds,
    double CapacityPerSecond,
    double RatePerSecond,
    double DeadlineMs,
    double? FaultStartsSeconds,
    double? FaultEndsSeconds,
    IReadOnlyList<WayResult> Ways);
