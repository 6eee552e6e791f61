namespace Orchestrator.Contracts;

/// <summary>
/// Asks for status. Sent to a dependency actor it answers <see cref="DependencyStatus"/>; sent to the
/// dependencies actor it answers <see cref="OrchestratorStatus"/> (or, with <see cref="Dependency"/> set, that
/// dependency's <see cref="DependencyStatus"/>, or <see cref="UnknownDependency"/>).
/// </summary>
public sealed record GetStatus(string? Dependency = null)
{
    /// <summary>Asks for every dependency.</summary>
    public static readonly GetStatus All = new();
}
