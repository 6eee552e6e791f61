namespace Orchestrator.Contracts;

/// <summary>How the breakers of one dependency on other nodes of the cluster act on this node's breaker.</summary>
public enum ClusterPolicy
{
    /// <summary>Only this node's own calls open its breaker; other nodes' state is shown, never acted on, and every node probes for itself.</summary>
    LocalOnly,

    /// <summary>The breaker opens here as soon as any reachable node has opened it on its own evidence.</summary>
    AnyOpen,

    /// <summary>
    /// The breaker opens here once enough reachable nodes have opened it on their own evidence: a count, a fraction
    /// of the reachable nodes, or (neither set) a majority. One node with a bad network path cannot open it for all.
    /// </summary>
    Quorum,
}
