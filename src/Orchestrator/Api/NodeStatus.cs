using Orchestrator.Contracts;

namespace Orchestrator.Node.Api;

/// <summary>The answer of <c>GET /api/status</c>: the node, then every dependency the orchestrator guards.</summary>
/// <param name="Node">This node.</param>
/// <param name="Dependencies">Every guarded dependency.</param>
/// <param name="Degradation">The priority coordinator's decisions: stress level, reasons, tiers and features off, and the load shedder.</param>
/// <param name="Admission">The node's load shedder (the same as <c>degradation.admission</c>); null when <c>Orchestrator:Admission:Enabled</c> is false.</param>
/// <param name="Cluster">The cluster's view: members, and per dependency every reachable node's breaker and the policy's verdict; null when sharing is off.</param>
/// <param name="WriteQueue">The durable write queue: depth, oldest entry's age, poisoned entries; null while it does not answer.</param>
public sealed record NodeStatus(NodeInfo Node, IReadOnlyList<DependencyStatus> Dependencies, DegradationStatus Degradation, AdmissionSnapshot? Admission,
    ClusterStatus? Cluster, WriteQueueStatus? WriteQueue = null);

/// <summary>This node: its actor system, cluster membership and uptime.</summary>
/// <param name="Name">The actor system's name.</param>
/// <param name="Address">The node's Akka address (with the port actually bound).</param>
/// <param name="MemberStatus">This node's cluster member status (Joining, Up, Leaving, ...).</param>
/// <param name="Leader">The cluster leader's address, when there is one.</param>
/// <param name="Members">Every member the node knows of, with its status.</param>
/// <param name="Roles">This node's cluster roles.</param>
/// <param name="HttpAddresses">The HTTP addresses the node listens on.</param>
/// <param name="StartedAt">When the node started.</param>
/// <param name="UptimeSeconds">Seconds since then.</param>
public sealed record NodeInfo(
    string Name,
    string Address,
    string MemberStatus,
    string? Leader,
    IReadOnlyList<ClusterMemberInfo> Members,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> HttpAddresses,
    DateTimeOffset StartedAt,
    double UptimeSeconds);

/// <summary>One cluster member as this node sees it.</summary>
public sealed record ClusterMemberInfo(string Address, string Status, bool Reachable);
