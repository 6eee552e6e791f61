namespace Orchestrator.Contracts;

/// <summary>Where a fault is injected or cleared.</summary>
public enum FaultScope
{
    /// <summary>This node only.</summary>
    Node,

    /// <summary>Every reachable member of the cluster, this node included (needs Orchestrator.Clustering; on a node that is not clustered, this node only).</summary>
    Cluster,
}
