namespace Orchestrator.Actors.Health;

/// <summary>The verdict of <see cref="DegradationHealth"/> and what it rests on.</summary>
/// <param name="State">Healthy, Degraded or Unhealthy.</param>
/// <param name="Reasons">A sentence per finding, the ones that make it Unhealthy first; empty when Healthy.</param>
/// <param name="DisabledTiers">Tiers switched off by the stress level.</param>
/// <param name="DisabledFeatures">Features switched off (by the level, by hand, or for a cool-down).</param>
/// <param name="Breakers">Every breaker that is not closed, by dependency: Open, HalfOpen or Isolated (or Stopped: the dependency's actor is gone).</param>
/// <param name="CriticalDependencies">The dependencies that CRITICAL work needs.</param>
public sealed record DegradationReport(
    DegradationState State,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> DisabledTiers,
    IReadOnlyList<string> DisabledFeatures,
    IReadOnlyDictionary<string, string> Breakers,
    IReadOnlyList<string> CriticalDependencies);
