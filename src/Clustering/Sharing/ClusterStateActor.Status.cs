using Akka.Cluster;
using Orchestrator.Contracts;

namespace Orchestrator.Clustering;

// The cluster-state actor: the status of the cluster as this node sees it.
public sealed partial class ClusterStateActor
{
    private ClusterStatus Status()
    {
        var reachable = ReachableNodes();
        var members = _members.Values
            .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
            .Select(m => new ClusterMemberStatus(m.Address.ToString(), m.Status.ToString(), !_unreachable.Contains(m.UniqueAddress),
                m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToList(), m.UniqueAddress.Equals(_cluster.SelfUniqueAddress)))
            .ToList();
        var dependencies = _options.Dependencies.Select(d => Judge(d.Key, d.Value, reachable)).ToList();
        var stress = _sharing.ShareStress
            ? _stress.Values.Where(e => reachable.Contains((e.Node, e.Uid)))
                .GroupBy(e => e.Node, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.MaxBy(e => e.Version)!.Level, StringComparer.Ordinal)
            : new Dictionary<string, StressLevel>();
        return new ClusterStatus(_self, _cluster.State.Leader?.ToString(), members, dependencies, _sharing.ShareStress, stress);
    }
}
