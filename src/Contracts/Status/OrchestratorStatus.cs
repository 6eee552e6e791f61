namespace Orchestrator.Contracts;

/// <summary>The status of every declared dependency, in declaration order.</summary>
public sealed record OrchestratorStatus(IReadOnlyList<DependencyStatus> Dependencies);
