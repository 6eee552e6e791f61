namespace Orchestrator.Actors.Chaos;

/// <summary>The dependency actor's timer: the fault injected as <paramref name="Id"/> has lasted its duration.</summary>
internal sealed record FaultExpired(long Id);
