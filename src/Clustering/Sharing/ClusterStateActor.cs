using Orchestrator.Actors;
using Orchestrator.Actors.Cluster;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
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
public sealed partial class ClusterStateActor : ReceiveActor, IWithTimers
{
    /// <summary>The actor's name under the orchestrator guardian.</summary>
    public const string Name = ActorNames.ClusterState;

    /// <summary>The replicated map of breaker entries.</summary>
    internal static readonly LWWDictionaryKey<string, NodeBreakerEntry> BreakersKey = new("orchestrator-breakers");

    /// <summary>The replicated map of stress levels (when shared).</summary>
    internal static readonly LWWDictionaryKey<string, NodeStressEntry> StressKey = new("orchestrator-stress");

    private readonly OrchestratorOptions _options;
    private readonly ClusterSharingOptions _sharing;
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
    private bool _warnedOfTwoNodes;

    /// <summary>The first wait before a hello is sent again; it doubles up to <see cref="MaxHelloInterval"/>.</summary>
    internal static readonly TimeSpan FirstHelloInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between hellos to a member that does not answer.</summary>
    internal static readonly TimeSpan MaxHelloInterval = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    internal ClusterStateActor(OrchestratorOptions options, ClusterSharingOptions sharing, IActorRef dependencies, IActorRef coordinator)
    {
        _options = options;
        _sharing = sharing;
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

    /// <summary>
    /// Props for the bridge of <paramref name="options"/>' dependencies, sharing as <paramref name="sharing"/> says;
    /// views go to <paramref name="dependencies"/>, shared stress to <paramref name="coordinator"/>.
    /// </summary>
    internal static Props Props(OrchestratorOptions options, ClusterSharingOptions sharing, IActorRef dependencies, IActorRef coordinator) =>
        ActorFactory.Props(() => new ClusterStateActor(options, sharing, dependencies, coordinator));

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
        if (_sharing.ShareStress)
        {
            _replicator.Tell(Dsl.Subscribe(StressKey, Self));
            Context.System.EventStream.Subscribe(Self, typeof(LocalStressChanged));
        }
        _log.Info("Sharing breaker state with the cluster as {Node} (stress shared: {ShareStress})", _self, _sharing.ShareStress);
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
}
