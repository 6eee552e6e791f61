using Orchestrator.Contracts;

namespace Orchestrator.Actors.Cluster;

/// <summary>Published on the event stream by the priority coordinator when its own stress level changes (and at start).</summary>
/// <param name="Level">The level this node judged from its own signals.</param>
internal sealed record LocalStressChanged(StressLevel Level);

/// <summary>
/// Sent by the cluster-state actor to the priority coordinator when stress is shared: the highest level another
/// reachable node judged, and that node (null when every other node is Normal).
/// </summary>
internal sealed record ClusterStressLevel(StressLevel Highest, string? Node);

/// <summary>One node's stress level in the replicated map; only that node writes it, ordered by <see cref="Version"/>.</summary>
internal sealed record NodeStressEntry(string Node, long Uid, StressLevel Level, long Version);
