using Orchestrator.Bench.Scenarios.Simulation;

namespace Orchestrator.Bench.Scenarios.Definitions;

/// <summary>
/// One simulated dependency of a scenario: its workers, its normal latency, and what it does during the
/// scenario's fault window (null: it stays healthy).
/// </summary>
public sealed record DependencySpec(string Name, int Workers, TimeSpan Latency, DependencyBehaviour? DuringFault = null)
{
    /// <summary>Calls per second it serves at its normal latency with every worker busy.</summary>
    public double Capacity => Workers / Latency.TotalSeconds;

    /// <summary>Whether it misbehaves during the fault window.</summary>
    public bool IsFaulty => DuringFault is not null;
}
