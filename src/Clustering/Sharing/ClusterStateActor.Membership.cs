using Orchestrator.Actors.Cluster;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Orchestrator.Actors.Telemetry;

namespace Orchestrator.Clustering;

// The cluster-state actor: membership: who is up, reachable, removed, and whose entries count.
public sealed partial class ClusterStateActor
{
    /// <summary>Members that count: up (or weakly up, or leaving but still running) and reachable; this node always.</summary>
    private HashSet<(string Node, long Uid)> ReachableNodes()
    {
        var nodes = _members.Values
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving)
            .Where(m => !_unreachable.Contains(m.UniqueAddress))
            .Select(m => (m.Address.ToString(), (long)m.UniqueAddress.Uid))
            .ToHashSet();
        nodes.Add((_self, _selfUid));
        return nodes;
    }

    private void OnMember(Member member, string change)
    {
        var known = _members.TryGetValue(member.UniqueAddress, out var before);
        var isNew = !known || before!.Status != member.Status;
        _members[member.UniqueAddress] = member;
        if (member.Status is MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up) StartWarming(member);
        if (!isNew) return;
        if (!known)
        {
            // Entries of a node not known yet were set aside by MergeEntry: read this replica's copy again.
            _replicator.Tell(Dsl.Get(BreakersKey, ReadLocal.Instance));
            if (_sharing.ShareStress) _replicator.Tell(Dsl.Get(StressKey, ReadLocal.Instance));
        }
        OrchestratorMetrics.MembershipChanged(change);
        _log.Info("Cluster member {Node} is {MemberStatus}", member.Address, member.Status);
        if (member.UniqueAddress.Equals(_cluster.SelfUniqueAddress) && member.Status == MemberStatus.Up)
        {
            // Learn what the cluster knows now, rather than at the next gossip round.
            var read = new ReadMajority(_sharing.PublishTimeout);
            _replicator.Tell(Dsl.Get(BreakersKey, read));
            if (_sharing.ShareStress) _replicator.Tell(Dsl.Get(StressKey, read));
        }
        Recompute(null);
        RecomputeStress();
        WarnOfTwoNodeMajority();
    }

    /// <summary>
    /// Once, when the cluster has two members up: a majority of two is both, so a dependency that keeps the default
    /// Quorum (no count, no fraction) never follows the other node's breaker. Said, with the choice to make.
    /// </summary>
    private void WarnOfTwoNodeMajority()
    {
        if (_warnedOfTwoNodes || _members.Values.Count(m => m.Status == MemberStatus.Up) != 2) return;
        _warnedOfTwoNodes = true;
        var majority = _options.Dependencies
            .Where(d => d.Value.Cluster is { Policy: Orchestrator.Contracts.ClusterPolicy.Quorum, QuorumCount: null, QuorumFraction: null })
            .Select(d => d.Key).Order(StringComparer.Ordinal).ToList();
        if (majority.Count > 0)
            _log.Warning("The cluster has two members: a majority of two is both, so the breakers of {Dependencies} (policy Quorum, a majority) " +
                "will not follow the other node's. For two nodes, set Cluster:Policy to AnyOpen, or Cluster:QuorumCount to 1, on those dependencies",
                string.Join(", ", majority));
    }

    private void OnRemoved(ClusterEvent.MemberRemoved removed)
    {
        var member = removed.Member;
        _members.Remove(member.UniqueAddress);
        ForgetPeer(member.UniqueAddress);
        _unreachable.Remove(member.UniqueAddress);
        OrchestratorMetrics.MembershipChanged("removed");
        var node = member.Address.ToString();
        long uid = member.UniqueAddress.Uid;
        var keys = _entries.Values.Where(e => e.Node == node && e.Uid == uid).Select(e => e.Key).ToList();
        foreach (var key in keys)
        {
            _entries.Remove(key);
            _overtaken.Remove(key);
        }
        _log.Info("Cluster member {Node} was removed (was {PreviousStatus}); its {Entries} breaker entries no longer count",
            node, removed.PreviousStatus, keys.Count);
        if (keys.Count > 0)
        {
            var cluster = _cluster;
            _replicator.Tell(Dsl.Update(BreakersKey, LWWDictionary<string, NodeBreakerEntry>.Empty, WriteLocal.Instance,
                d => keys.Aggregate(d, (map, key) => map.Remove(cluster, key))));
        }
        var stressKey = NodeBreakerEntry.KeyOf("stress", node, uid);
        if (_stress.Remove(stressKey))
        {
            var cluster = _cluster;
            _replicator.Tell(Dsl.Update(StressKey, LWWDictionary<string, NodeStressEntry>.Empty, WriteLocal.Instance, d => d.Remove(cluster, stressKey)));
        }
        Recompute(null);
        RecomputeStress();
    }

    private void OnUnreachable(ClusterEvent.UnreachableMember m)
    {
        if (!_unreachable.Add(m.Member.UniqueAddress)) return;
        OrchestratorMetrics.MembershipChanged("unreachable");
        _log.Warning("Cluster member {Node} is unreachable; its breaker entries stop counting until it is back", m.Member.Address);
        Recompute(null);
        RecomputeStress();
    }

    private void OnReachable(ClusterEvent.ReachableMember m)
    {
        if (!_unreachable.Remove(m.Member.UniqueAddress)) return;
        OrchestratorMetrics.MembershipChanged("reachable");
        _log.Info("Cluster member {Node} is reachable again", m.Member.Address);
        Recompute(null);
        RecomputeStress();
    }
}
