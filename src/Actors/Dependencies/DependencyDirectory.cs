using System.Collections.Frozen;
using Akka.Actor;

namespace Orchestrator.Actors.Dependencies;

/// <summary>Asks the dependencies supervisor for its <see cref="DependencyDirectory"/>.</summary>
internal sealed record GetDependencyDirectory
{
    /// <summary>The one instance.</summary>
    public static readonly GetDependencyDirectory Instance = new();
}

/// <summary>
/// Every declared dependency's handle, by name, in declaration order. Made once per orchestrator and kept across
/// restarts of its actors (a restarted supervisor gives its new actors the same handles), so it is safe to cache.
/// </summary>
internal sealed class DependencyDirectory(IReadOnlyDictionary<string, DependencyHandle> handles, IReadOnlyList<string> names)
{
    private volatile IActorRef _supervisor = ActorRefs.Nobody;

    /// <summary>The handles, by name (frozen: looked up on every call).</summary>
    public FrozenDictionary<string, DependencyHandle> Handles { get; } = handles.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The names, in declaration order.</summary>
    public IReadOnlyList<string> Names { get; } = names;

    /// <summary>The dependencies supervisor now (a new one after the orchestrator's guardian restarted).</summary>
    public IActorRef Supervisor
    {
        get => _supervisor;
        internal set => _supervisor = value;
    }
}
