using Orchestrator.Actors.Caching;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Pipeline;

/// <summary>What the <see cref="FallbackChain"/> needs of the dependency whose primary answer is missing.</summary>
internal interface IChainHost
{
    /// <summary>The dependency's name.</summary>
    string Name { get; }

    /// <summary>The dependency's options (stale-on-error, replica, default fallback, timeout).</summary>
    DependencyOptions Options { get; }

    /// <summary>The dependency's cache, when it caches (read from any thread).</summary>
    ResponseCache? Cache { get; }

    /// <summary>The dependency's clock.</summary>
    TimeProvider Time { get; }

    /// <summary>
    /// Sends <paramref name="replicaCall"/> (the call's replica work) to the replica, through the replica's own
    /// pipeline (its breaker, bulkhead and chain); null when the replica is not reachable from here.
    /// </summary>
    Task<ICallResult>? AskReplica(GuardedCall replicaCall);
}
