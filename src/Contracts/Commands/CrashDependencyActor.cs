namespace Orchestrator.Contracts;

/// <summary>
/// Chaos: makes a dependency's actor throw, so that its supervisor restarts it. The restarted actor keeps its
/// breaker state and its calls in flight and queued; every caller still gets exactly one answer.
/// </summary>
internal sealed record CrashDependencyActor(string Dependency);
