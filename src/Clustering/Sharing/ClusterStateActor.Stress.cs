using Orchestrator.Actors.Cluster;
using Akka.Actor;
using Akka.DistributedData;
using Orchestrator.Contracts;

namespace Orchestrator.Clustering;

// The cluster-state actor: stress: this node's published, the cluster's worst.
public sealed partial class ClusterStateActor
{
    private void PublishStress(LocalStressChanged changed)
    {
        _stressVersion = NextVersion(_stressVersion);
        var entry = new NodeStressEntry(_self, _selfUid, changed.Level, _stressVersion);
        var key = NodeBreakerEntry.KeyOf("stress", _self, _selfUid);
        _stress[key] = entry;
        var cluster = _cluster;
        _replicator.Tell(Dsl.Update(StressKey, LWWDictionary<string, NodeStressEntry>.Empty, new WriteAll(_sharing.PublishTimeout),
            d => d.SetItem(cluster, key, entry)));
    }

    private void MergeStress(LWWDictionary<string, NodeStressEntry> data)
    {
        foreach (var (key, entry) in data.Entries)
        {
            if (entry.Uid == _selfUid && entry.Node == _self)
            {
                _stressVersion = Math.Max(_stressVersion, entry.Version);
                continue;
            }
            if (!IsMember(entry.Node, entry.Uid)) continue; // a removed node's entry, still in some copy of the map
            if (_stress.TryGetValue(key, out var before) && before.Version >= entry.Version) continue;
            _stress[key] = entry;
        }
        RecomputeStress();
    }

    /// <summary>Tells the coordinator the highest stress level among the other reachable nodes, when it changed.</summary>
    private void RecomputeStress()
    {
        if (!_sharing.ShareStress) return;
        var reachable = ReachableNodes();
        var highest = _stress.Values
            .Where(e => !(e.Uid == _selfUid && e.Node == _self) && reachable.Contains((e.Node, e.Uid)) && e.Level > StressLevel.Normal)
            .OrderByDescending(e => e.Level).ThenBy(e => e.Node, StringComparer.Ordinal)
            .FirstOrDefault();
        var level = new ClusterStressLevel(highest?.Level ?? StressLevel.Normal, highest?.Node);
        if (level == _sentStress) return;
        _sentStress = level;
        _coordinator.Tell(level);
    }
}
