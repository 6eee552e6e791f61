namespace Orchestrator.Contracts;

/// <summary>What this node knows of the cluster: its members, and per dependency what every reachable node's breaker says.</summary>
/// <param name="Self">This node's address.</param>
/// <param name="Leader">The cluster leader's address, if there is one.</param>
/// <param name="Members">Every member this node knows of.</param>
/// <param name="Dependencies">Per dependency, the cluster's view of its breaker.</param>
/// <param name="SharesStress">Whether the nodes degrade to the highest stress level among them.</param>
/// <param name="Stress">When stress is shared: each reachable node's stress level, by address.</param>
public sealed record ClusterStatus(
    string Self,
    string? Leader,
    IReadOnlyList<ClusterMemberStatus> Members,
    IReadOnlyList<ClusterBreakerStatus> Dependencies,
    bool SharesStress,
    IReadOnlyDictionary<string, StressLevel> Stress);

/// <summary>One member of the cluster.</summary>
/// <param name="Address">Its address.</param>
/// <param name="Status">Its membership status (Joining, Up, Leaving, Exiting, Down...).</param>
/// <param name="Reachable">Whether this node can reach it.</param>
/// <param name="Roles">Its roles.</param>
/// <param name="IsSelf">Whether it is this node.</param>
public sealed record ClusterMemberStatus(string Address, string Status, bool Reachable, IReadOnlyList<string> Roles, bool IsSelf);

/// <summary>One dependency's breaker across the cluster.</summary>
/// <param name="Dependency">The dependency.</param>
/// <param name="Policy">The policy in words ("AnyOpen", "Quorum (2 of 3 reachable)").</param>
/// <param name="Nodes">Every reachable node's breaker for it, this node included.</param>
/// <param name="OpenedOn">Reachable nodes whose breaker is open (or isolated) on their own evidence (their own failed calls or probe, or an operator); these count toward the policy.</param>
/// <param name="SeenOpenOn">Reachable nodes whose breaker is not closed, including those that follow the cluster.</param>
/// <param name="PolicyOpens">Whether the policy opens the breaker on every node now.</param>
/// <param name="Prober">The one node that probes the dependency while it recovers; null while no node sees it open (or under LocalOnly).</param>
public sealed record ClusterBreakerStatus(
    string Dependency,
    string Policy,
    IReadOnlyList<NodeBreakerStatus> Nodes,
    IReadOnlyList<string> OpenedOn,
    IReadOnlyList<string> SeenOpenOn,
    bool PolicyOpens,
    string? Prober);

/// <summary>One node's breaker for one dependency, as it last published it.</summary>
/// <param name="Node">The node's address.</param>
/// <param name="State">The breaker's state there.</param>
/// <param name="FollowsCluster">Whether it is open because of other nodes' evidence, not its own.</param>
/// <param name="Version">The node's version of the entry (grows with every transition there).</param>
public sealed record NodeBreakerStatus(string Node, BreakerState State, bool FollowsCluster, long Version);
