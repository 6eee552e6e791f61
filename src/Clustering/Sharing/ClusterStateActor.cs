using Orchestrator.Actors;
using Orchestrator.Actors.Cluster;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Clustering;

/// <summary>
/// The bridge between this node's breakers and the cluster (<c>/user/orchestrator/cluster-state</c>). It writes
/// every local breaker transition (<see cref="LocalBreakerChanged"/>, from the event stream) to a replicated map in
/// Akka.DistributedData at once, with a write to all nodes; it subscribes to the map and to cluster membership; and
/// whenever what the reachable nodes say of a dependency changes, it pushes a <see cref="ClusterBreakerView"/> to
/// that dependency's actor. With <see cref="ClusterSharingOptions.ShareStress"/> it shares stress levels the same way
/// and tells the coordinator the highest level among the other nodes.
/// </summary>
/// <remarks>
/// <para>
/// Each transition also goes straight to the other members' cluster-state actors. So that the first one after start
/// is as fast as later ones, the actor greets every other member as soon as it joins (<see cref="PeerHello"/>,
/// retried on a timer until answered): the answer resolves the peer's actor, which the news then go to, and warms
/// remoting and the serializers on both nodes, which otherwise the first news would pay for (hundreds of
/// milliseconds in a fresh process). At start it also rehearses, off its thread, what the first news runs in this
/// process: the serializers of an entry and of the replicated map, and the verdict (<see cref="NewsPathRehearsed"/>).
/// </para>
/// <para>
/// Entries are keyed by (dependency, node, incarnation) and only their own node writes them, each write with a
/// higher version: readers keep the highest version, so clocks never order anything. Entries of nodes that are
/// unreachable or not members do not count; those of removed nodes are deleted from the map.
/// </para>
/// </remarks>
public sealed class ClusterStateActor : ReceiveActor, IWithTimers
{
    /// <summary>The actor's name under the orchestrator guardian.</summary>
    public const string Name = ActorNames.ClusterState;

    /// <summary>The replicated map of breaker entries.</summary>
    internal static readonly LWWDictionaryKey<string, NodeBreakerEntry> BreakersKey = new("orchestrator-breakers");

    /// <summary>The replicated map of stress levels (when shared).</summary>
    internal static readonly LWWDictionaryKey<string, NodeStressEntry> StressKey = new("orchestrator-stress");

    private readonly OrchestratorOptions _options;
    private readonly IActorRef _dependencies;
    private readonly IActorRef _coordinator;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _self;
    private readonly long _selfUid;
    private readonly Dictionary<string, NodeBreakerEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ClusterBreakerView> _sent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _overtaken = new(StringComparer.Ordinal); // entry key -> version overtaken by a recovery
    private readonly Dictionary<UniqueAddress, Member> _members = new();
    private readonly HashSet<UniqueAddress> _unreachable = [];
    private readonly Dictionary<string, NodeStressEntry> _stress = new(StringComparer.Ordinal);
    private long _stressVersion;
    private ClusterStressLevel _sentStress = new(StressLevel.Normal, null);
    private readonly Dictionary<UniqueAddress, PeerLink> _peers = new();
    private readonly NodeBreakerEntry _sample;

    /// <summary>The first wait before a hello is sent again; it doubles up to <see cref="MaxHelloInterval"/>.</summary>
    internal static readonly TimeSpan FirstHelloInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between hellos to a member that does not answer.</summary>
    internal static readonly TimeSpan MaxHelloInterval = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    internal ClusterStateActor(OrchestratorOptions options, IActorRef dependencies, IActorRef coordinator)
    {
        _options = options;
        _dependencies = dependencies;
        _coordinator = coordinator;
        _self = _cluster.SelfAddress.ToString();
        _selfUid = _cluster.SelfUniqueAddress.Uid;
        _sample = new NodeBreakerEntry("", _self, _selfUid, BreakerState.Closed, false, 0);

        Receive<LocalBreakerChanged>(Publish);
        Receive<NodeBreakerEntry>(OnPeerEntry);
        Receive<LocalStressChanged>(PublishStress);
        Receive<Changed>(c => c.Key.Equals(BreakersKey), c => Merge(c.Get(BreakersKey)));
        Receive<Changed>(c => c.Key.Equals(StressKey), c => MergeStress(c.Get(StressKey)));
        Receive<GetSuccess>(g => g.Key.Equals(BreakersKey), g => Merge(g.Get(BreakersKey)));
        Receive<GetSuccess>(g => g.Key.Equals(StressKey), g => MergeStress(g.Get(StressKey)));
        Receive<NotFound>(_ => { }); // nothing written yet anywhere
        Receive<GetFailure>(g => _log.Debug("Reading {Key} from the other nodes timed out; gossip will bring it", g.Key));
        Receive<UpdateSuccess>(_ => { });
        Receive<UpdateTimeout>(u => _log.Debug("Not every node acknowledged a write of {Key} in time; it is kept locally and spreads by gossip", u.Key));
        Receive<IUpdateFailure>(u => _log.Warning("Writing {Key} to the replicated map failed: {Failure}", u.Key, u));
        Receive<ClusterEvent.MemberUp>(m => OnMember(m.Member, "up"));
        Receive<ClusterEvent.MemberWeaklyUp>(m => OnMember(m.Member, "weakly-up"));
        Receive<ClusterEvent.MemberJoined>(m => OnMember(m.Member, "joined"));
        Receive<ClusterEvent.MemberLeft>(m => OnMember(m.Member, "leaving"));
        Receive<ClusterEvent.MemberExited>(m => OnMember(m.Member, "exited"));
        Receive<ClusterEvent.MemberDowned>(m => OnMember(m.Member, "downed"));
        Receive<ClusterEvent.MemberRemoved>(OnRemoved);
        Receive<ClusterEvent.UnreachableMember>(OnUnreachable);
        Receive<ClusterEvent.ReachableMember>(OnReachable);
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<GetClusterStatus>(_ => Sender.Tell(Status()));
        Receive<PeerHello>(OnHello);
        Receive<PeerHelloAck>(a => Learn(a.Node, a.Uid, Sender, "answered our hello"));
        Receive<RetryPeerHello>(r => { if (_peers.TryGetValue(r.Peer, out var link) && link.State == PeerLinkState.Warming) SayHello(r.Peer, link); });
        Receive<Terminated>(OnPeerTerminated);
        Receive<NewsPathRehearsed>(r => _log.Debug("Rehearsed the breaker news path (serializers, verdict) in {Took} ms", (long)r.Took.TotalMilliseconds));
        Receive<Akka.Actor.Status.Failure>(f => _log.Debug("Rehearsing the breaker news path failed (the first news pays for it): {Error}", f.Cause.Message));
        Receive<InjectFault>(m => FanOut(m.Dependency, m with { Scope = FaultScope.Node, Fault = Portable(m.Fault) }));
        Receive<ClearFault>(m => FanOut(m.Dependency, m with { Scope = FaultScope.Node }));
        Receive<GetPeerLinks>(_ => Sender.Tell(new PeerLinks([.. _peers.Values.OrderBy(l => l.Node, StringComparer.Ordinal).ThenBy(l => l.Uid)])));
    }

    /// <summary>Props for the bridge of <paramref name="options"/>' dependencies; views go to <paramref name="dependencies"/>, shared stress to <paramref name="coordinator"/>.</summary>
    internal static Props Props(OrchestratorOptions options, IActorRef dependencies, IActorRef coordinator) =>
        ActorFactory.Props(() => new ClusterStateActor(options, dependencies, coordinator));

    /// <summary>How long a fault command sent to every member waits for their answers.</summary>
    internal static readonly TimeSpan FanOutLimit = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A fault command for the whole cluster: sent to the dependencies supervisor of every Up, reachable member (this
    /// one's included) as a command for that node, and answered once all have answered: accepted when every member
    /// carried it out, else refused, naming the members that did not.
    /// </summary>
    private void FanOut(string dependency, object command)
    {
        var state = _cluster.State;
        var members = state.Members.Where(m => m.Status == MemberStatus.Up && !state.Unreachable.Contains(m)).Select(m => m.Address).ToList();
        var self = _cluster.SelfAddress;
        if (!members.Contains(self))
        {
            Sender.Tell(FaultCommandResult.Refused(dependency, FaultRefusal.NotUpMember,
                $"This node is not an Up member of the cluster yet ({_cluster.SelfMember.Status}): a fault for the cluster is refused; try again once it is Up."));
            return;
        }
        var asks = members.Select(async address =>
        {
            var supervisor = Context.ActorSelection(new RootActorPath(address) / "user" / ActorNames.Guardian / ActorNames.Dependencies);
            try
            {
                return (address, result: await supervisor.Ask<FaultCommandResult>(command, FanOutLimit).ConfigureAwait(false));
            }
            catch (Exception e)
            {
                return (address, result: FaultCommandResult.Refused(dependency, FaultRefusal.NoAnswer, $"no answer ({e.GetType().Name})"));
            }
        }).ToList();
        _log.Warning("Fault command {Command} for {Dependency} sent to {Members} cluster members", command.GetType().Name, dependency, members.Count);
        Task.WhenAll(asks).ContinueWith(done =>
        {
            var results = done.Result;
            var local = results.FirstOrDefault(r => r.address.Equals(self)).result;
            var refused = results.Where(r => !r.result.Accepted).Select(r => $"{r.address}: {r.result.Error}").ToList();
            var carried = results.Count(r => r.result.Accepted);
            return new FaultCommandResult(dependency, local?.Fault, carried,
                refused.Count == 0 ? null : $"Carried out on {carried} of {results.Length} members; not on {string.Join("; ", refused)}")
            {
                Refusal = refused.Count == 0 ? null : FaultRefusal.NotEveryMember,
            };
        }, TaskScheduler.Default).PipeTo(Sender);
    }

    /// <summary><paramref name="fault"/> as it can travel to other members: a JSON result as its text.</summary>
    private static Fault Portable(Fault fault) =>
        fault.Result is System.Text.Json.JsonElement json ? fault with { Result = new FaultJson(json.GetRawText()) } : fault;

    /// <inheritdoc />
    protected override void PreStart()
    {
        ClusterGauges.Track(Context.System);
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        _replicator.Tell(Dsl.Subscribe(BreakersKey, Self));
        Context.System.EventStream.Subscribe(Self, typeof(LocalBreakerChanged));
        if (_options.Cluster.ShareStress)
        {
            _replicator.Tell(Dsl.Subscribe(StressKey, Self));
            Context.System.EventStream.Subscribe(Self, typeof(LocalStressChanged));
        }
        _log.Info("Sharing breaker state with the cluster as {Node} (stress shared: {ShareStress})", _self, _options.Cluster.ShareStress);
        RehearseNewsPath(Context.System, _cluster, _options, _sample).PipeTo(Self);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        Context.System.EventStream.Unsubscribe(Self);
        _replicator.Tell(Dsl.Unsubscribe(BreakersKey, Self));
        _replicator.Tell(Dsl.Unsubscribe(StressKey, Self));
    }

    // ---- breakers ---------------------------------------------------------------------------------------

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
        _replicator.Tell(Dsl.Update(BreakersKey, LWWDictionary<string, NodeBreakerEntry>.Empty, new WriteAll(_options.Cluster.PublishTimeout),
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

    // ---- membership -------------------------------------------------------------------------------------

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
            if (_options.Cluster.ShareStress) _replicator.Tell(Dsl.Get(StressKey, ReadLocal.Instance));
        }
        OrchestratorMetrics.MembershipChanged(change);
        _log.Info("Cluster member {Node} is {MemberStatus}", member.Address, member.Status);
        if (member.UniqueAddress.Equals(_cluster.SelfUniqueAddress) && member.Status == MemberStatus.Up)
        {
            // Learn what the cluster knows now, rather than at the next gossip round.
            var read = new ReadMajority(_options.Cluster.PublishTimeout);
            _replicator.Tell(Dsl.Get(BreakersKey, read));
            if (_options.Cluster.ShareStress) _replicator.Tell(Dsl.Get(StressKey, read));
        }
        Recompute(null);
        RecomputeStress();
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

    // ---- warm links to the other members -----------------------------------------------------------------

    private static ActorPath PeerPath(Address node) => new RootActorPath(node) / "user" / ActorNames.Guardian / Name;

    private ActorSelection PeerSelection(Address node) => Context.ActorSelection(PeerPath(node));

    /// <summary>
    /// Greets <paramref name="member"/> unless a link to it (this incarnation) exists already. From Joining on, not
    /// only Up: the greeting then has the time the member takes to become Up, before any news can be for it.
    /// </summary>
    private void StartWarming(Member member)
    {
        if (member.UniqueAddress.Equals(_cluster.SelfUniqueAddress) || _peers.ContainsKey(member.UniqueAddress)) return;
        var link = new PeerLink(member.Address.ToString(), member.UniqueAddress.Uid, PeerLinkState.Warming, 0, null);
        _peers[member.UniqueAddress] = link;
        SayHello(member.UniqueAddress, link);
    }

    /// <summary>Sends one more hello to a member still warming, and sets the timer for the next one (the wait doubling).</summary>
    private void SayHello(UniqueAddress member, PeerLink link)
    {
        var hellos = link.Hellos + 1;
        _peers[member] = link with { Hellos = hellos };
        PeerSelection(member.Address).Tell(new PeerHello(_self, _selfUid, _sample), Self);
        var wait = TimeSpan.FromTicks(Math.Min(MaxHelloInterval.Ticks, FirstHelloInterval.Ticks << Math.Min(hellos - 1, 16)));
        Timers.StartSingleTimer(HelloTimer(member), new RetryPeerHello(member), wait);
    }

    private static string HelloTimer(UniqueAddress member) => $"hello:{member}";

    /// <summary>A hello from another member's cluster-state actor: answer it, and keep its sender as that member's actor.</summary>
    private void OnHello(PeerHello hello)
    {
        Sender.Tell(new PeerHelloAck(_self, _selfUid, _sample), Self);
        Learn(hello.Node, hello.Uid, Sender, "greeted us");
    }

    /// <summary>
    /// <paramref name="peer"/>, the cluster-state actor of the member <paramref name="node"/> (incarnation
    /// <paramref name="uid"/>), answered or greeted: the link is warm. Idempotent; a node not (or no longer) a member is ignored.
    /// </summary>
    private void Learn(string node, long uid, IActorRef peer, string how)
    {
        var member = _members.Keys.FirstOrDefault(m => m.Uid == uid && m.Address.ToString() == node);
        if (member is null || member.Equals(_cluster.SelfUniqueAddress))
        {
            _log.Debug("Ignoring a greeting of {Node} (uid {Uid}): not a member here (yet)", node, uid);
            return;
        }
        var before = _peers.GetValueOrDefault(member);
        if (before is { State: PeerLinkState.Warm } && before.Peer!.Equals(peer)) return;
        if (before?.Peer is { } old && !old.Equals(peer)) Context.Unwatch(old);
        Timers.Cancel(HelloTimer(member));
        Context.Watch(peer);
        _peers[member] = new PeerLink(node, uid, PeerLinkState.Warm, before?.Hellos ?? 0, peer);
        _log.Debug("Breaker news path to {Node} (uid {Uid}) is warm: its cluster-state actor {Peer} {How} (hellos sent: {Hellos})",
            node, uid, peer.Path, how, before?.Hellos ?? 0);
    }

    /// <summary>A peer's resolved actor stopped (its orchestrator restarted, say): greet that member again while it is one.</summary>
    private void OnPeerTerminated(Terminated terminated)
    {
        foreach (var (member, link) in _peers.Where(p => terminated.ActorRef.Equals(p.Value.Peer)).ToList())
        {
            _log.Debug("The cluster-state actor of {Node} stopped; greeting that member again", link.Node);
            _peers[member] = link with { State = PeerLinkState.Warming, Peer = null };
            SayHello(member, _peers[member]);
        }
    }

    private void ForgetPeer(UniqueAddress member)
    {
        if (!_peers.Remove(member, out var link)) return;
        Timers.Cancel(HelloTimer(member));
        if (link.Peer is { } peer) Context.Unwatch(peer);
    }

    /// <summary>
    /// Runs once, on samples and off the actor's thread, what the first breaker news runs in this process: the
    /// default serializer on an entry and a hello, Akka.DistributedData's on a map holding an entry (the replicators'
    /// writes carry it), and the verdict. Nothing is sent or kept; it only spares the first news the serializers'
    /// first use and the JIT.
    /// </summary>
    private static Task<NewsPathRehearsed> RehearseNewsPath(ActorSystem system, Akka.Cluster.Cluster cluster, OrchestratorOptions options, NodeBreakerEntry sample) =>
        Task.Run(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var serialization = system.Serialization;
            var map = LWWDictionary<string, NodeBreakerEntry>.Empty.SetItem(cluster, sample.Key, sample);
            foreach (var message in new object[] { sample, new PeerHello(sample.Node, sample.Uid, sample), map })
            {
                var serializer = serialization.FindSerializerFor(message);
                serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));
            }
            foreach (var (name, dependency) in options.Dependencies.Take(1))
            {
                var entry = sample with { Dependency = name, State = BreakerState.Open, Version = 1 };
                var status = ClusterVerdict.Judge(name, dependency.Cluster, [entry], 2);
                _ = ClusterVerdict.ViewFor(status, sample.Node, null).SaysTheSameAs(ClusterVerdict.ViewFor(status, sample.Node, entry.Node));
                _ = ClusterVerdict.Recovered(entry, entry with { State = BreakerState.Closed, Version = 2, Recoveries = 1 });
            }
            return new NewsPathRehearsed(clock.Elapsed);
        });

    // ---- stress -----------------------------------------------------------------------------------------

    private void PublishStress(LocalStressChanged changed)
    {
        _stressVersion = NextVersion(_stressVersion);
        var entry = new NodeStressEntry(_self, _selfUid, changed.Level, _stressVersion);
        var key = NodeBreakerEntry.KeyOf("stress", _self, _selfUid);
        _stress[key] = entry;
        var cluster = _cluster;
        _replicator.Tell(Dsl.Update(StressKey, LWWDictionary<string, NodeStressEntry>.Empty, new WriteAll(_options.Cluster.PublishTimeout),
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
        if (!_options.Cluster.ShareStress) return;
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

    // ---- status -----------------------------------------------------------------------------------------

    private ClusterStatus Status()
    {
        var reachable = ReachableNodes();
        var members = _members.Values
            .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
            .Select(m => new ClusterMemberStatus(m.Address.ToString(), m.Status.ToString(), !_unreachable.Contains(m.UniqueAddress),
                m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToList(), m.UniqueAddress.Equals(_cluster.SelfUniqueAddress)))
            .ToList();
        var dependencies = _options.Dependencies.Select(d => Judge(d.Key, d.Value, reachable)).ToList();
        var stress = _options.Cluster.ShareStress
            ? _stress.Values.Where(e => reachable.Contains((e.Node, e.Uid)))
                .GroupBy(e => e.Node, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.MaxBy(e => e.Version)!.Level, StringComparer.Ordinal)
            : new Dictionary<string, StressLevel>();
        return new ClusterStatus(_self, _cluster.State.Leader?.ToString(), members, dependencies, _options.Cluster.ShareStress, stress);
    }
}
