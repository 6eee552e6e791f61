using Orchestrator.Actors.Cluster;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Orchestrator.Contracts;

namespace Orchestrator.Clustering;

// The cluster-state actor: the breakers: this node's published, the others' merged, each dependency judged by its cluster policy.
public sealed partial class ClusterStateActor
{
    private void Publish(LocalBreakerChanged changed)
    {
        if (!_options.Dependencies.ContainsKey(changed.Dependency)) return;
        var version = NextVersion(_versions.GetValueOrDefault(changed.Dependency));
        _versions[changed.Dependency] = version;
        _entries.TryGetValue(NodeBreakerEntry.KeyOf(changed.Dependency, _self, _selfUid), out var before);
        var recovered = changed.Recovered && before is { IsEvidence: true };
        var recoveries = (before?.Recoveries ?? 0) + (recovered ? 1 : 0);
        if (recovered) Overtake(changed.Dependency, recoveredOn: _self);
        var entry = new NodeBreakerEntry(changed.Dependency, _self, _selfUid, changed.State, changed.FollowsCluster, version, recoveries);
        _entries[entry.Key] = entry;
        var cluster = _cluster;
        _replicator.Tell(Dsl.Update(BreakersKey, LWWDictionary<string, NodeBreakerEntry>.Empty, new WriteAll(_sharing.PublishTimeout),
            d => d.SetItem(cluster, entry.Key, entry)));
        // Also straight to the other members' cluster-state actors: the fastest way, and it does not depend on the
        // replicators' notification (the map stays the source for nodes that join or missed a message).
        // Members greeted already get it on their resolved actor; the others (still warming) by actor selection.
        foreach (var member in _members.Values.Where(m => !m.UniqueAddress.Equals(_cluster.SelfUniqueAddress) && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving))
        {
            if (_peers.TryGetValue(member.UniqueAddress, out var link) && link is { State: PeerLinkState.Warm, Peer: { } peer }) peer.Tell(entry);
            else PeerSelection(member.Address).Tell(entry);
        }
        Recompute(null);
    }

    private void Merge(LWWDictionary<string, NodeBreakerEntry> data)
    {
        var recovered = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in data.Entries.Values) MergeEntry(entry, recovered);
        Recompute(recovered);
    }

    /// <summary>An entry sent straight by its node (besides the replicated map, which may lag behind it).</summary>
    private void OnPeerEntry(NodeBreakerEntry entry)
    {
        if (!_options.Dependencies.ContainsKey(entry.Dependency)) return;
        var recovered = new Dictionary<string, string>(StringComparer.Ordinal);
        MergeEntry(entry, recovered);
        Recompute(recovered);
    }

    /// <summary>
    /// Keeps <paramref name="entry"/> if it is newer than what this node holds for its key. Entries are never dropped
    /// because a copy of the map lacks them (it may be older than an entry sent straight): only when their node is
    /// removed from the cluster.
    /// </summary>
    private void MergeEntry(NodeBreakerEntry entry, Dictionary<string, string> recovered)
    {
        var key = entry.Key;
        if (IsSelf(entry))
        {
            // This node is the only writer of its entries: what it holds is newest, but after a restart of this
            // actor the map remembers the versions it used.
            if (entry.Version > _versions.GetValueOrDefault(entry.Dependency))
            {
                _versions[entry.Dependency] = entry.Version;
                _entries[key] = entry;
            }
            return;
        }
        if (!IsMember(entry.Node, entry.Uid)) return; // a removed node's entry, still in some copy of the map
        _entries.TryGetValue(key, out var before);
        if (before is not null && before.Version >= entry.Version) return;
        if (ClusterVerdict.Recovered(before, entry))
        {
            recovered[entry.Dependency] = entry.Node;
            Overtake(entry.Dependency, recoveredOn: entry.Node);
        }
        _entries[key] = entry;
        _overtaken.Remove(key); // a newer version: what that node says now counts
    }

    /// <summary>
    /// A recovery of <paramref name="dependency"/> was seen (here, or on <paramref name="recoveredOn"/>). Whatever
    /// other nodes' breakers this node holds as open on their own account opened before those nodes heard of it (an
    /// open period or a takeover of probing that began before, failures older than the recovery): they stop counting
    /// toward the policy until their node publishes again, which it does when the news reaches it (it closes) or when
    /// its open period ends. Otherwise a node that just recovered follows them at once and, when they close on its
    /// news, is left open on no evidence at all and takes over probing, which the others then follow in turn.
    /// Isolated breakers still count: an operator holds them open, and a recovery does not close them.
    /// </summary>
    private void Overtake(string dependency, string recoveredOn)
    {
        foreach (var entry in _entries.Values)
        {
            if (entry.Dependency == dependency && entry.Node != recoveredOn && !IsSelf(entry) && entry is { State: BreakerState.Open, FollowsCluster: false })
                _overtaken[entry.Key] = entry.Version;
        }
    }

    private bool IsOvertaken(NodeBreakerEntry entry) => _overtaken.TryGetValue(entry.Key, out var version) && version == entry.Version;

    private bool IsMember(string node, long uid) =>
        _members.Keys.Any(m => m.Uid == uid && m.Address.ToString() == node);

    /// <summary>Pushes every dependency's view whose content changed (or that carries a recovery) to its actor.</summary>
    private void Recompute(IReadOnlyDictionary<string, string>? recovered)
    {
        var reachable = ReachableNodes();
        foreach (var (name, dependency) in _options.Dependencies)
        {
            if (dependency.Cluster.Policy == ClusterPolicy.LocalOnly) continue; // shown in status, never acted on
            var status = Judge(name, dependency, reachable);
            var view = ClusterVerdict.ViewFor(status, _self, recovered?.GetValueOrDefault(name));
            if (view.RecoveredOn is null && _sent.TryGetValue(name, out var last) && last.SaysTheSameAs(view)) continue;
            _sent[name] = view with { RecoveredOn = null };
            _dependencies.Tell(view);
        }
    }

    private ClusterBreakerStatus Judge(string name, DependencyOptions dependency, HashSet<(string Node, long Uid)> reachable) =>
        ClusterVerdict.Judge(name, dependency.Cluster,
            _entries.Values.Where(e => e.Dependency == name && reachable.Contains((e.Node, e.Uid))), reachable.Count, IsOvertaken);

    /// <summary>
    /// The next version after <paramref name="previous"/>: also above any version this process used before, so that
    /// a restart of this actor (which forgets its counters) never reuses a number the other nodes already hold.
    /// </summary>
    private static long NextVersion(long previous) => Math.Max(previous + 1, System.Diagnostics.Stopwatch.GetTimestamp());

    private bool IsSelf(NodeBreakerEntry entry) => entry.Uid == _selfUid && entry.Node == _self;
}
