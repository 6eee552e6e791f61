namespace Orchestrator.Actors.Dependencies;

/// <summary>Asks the dependencies supervisor for its <see cref="DependencyDirectory"/>.</summary>
public sealed record GetDependencyDirectory
{
    /// <summary>The one instance.</summary>
    public static readonly GetDependencyDirectory Instance = new();
}

/// <summary>Every declared dependency's handle, by name, in declaration order. Immutable; safe to cache.</summary>
public sealed record DependencyDirectory(IReadOnlyDictionary<string, DependencyHandle> Handles, IReadOnlyList<string> Names);
