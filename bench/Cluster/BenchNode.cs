using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Orchestrator.Actors.Cluster;
using Orchestrator.Clustering;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Root;
using Orchestrator.Contracts;

namespace Orchestrator.Bench.Cluster;

/// <summary>A breaker transition seen on one node's event stream, with the time the listener received it.</summary>
public readonly record struct Transition(int Node, BreakerState State, bool FollowsCluster, long Timestamp);

/// <summary>
/// One node of the in-process benchmark cluster: an ActorSystem named "bench" with Akka.Cluster on 127.0.0.1 (a free
/// port), the orchestrator guarding one dependency, <see cref="Dependency"/>, and a listener that timestamps every
/// <see cref="LocalBreakerChanged"/> the node's dependency actor publishes.
/// </summary>
public sealed class BenchNode : IAsyncDisposable
{
    /// <summary>The guarded dependency's name.</summary>
    public const string Dependency = "inventory";

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private static readonly Config BaseConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = ERROR
        akka.stdout-loglevel = ERROR
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.cluster.gossip-interval = 200ms
        akka.cluster.leader-actions-interval = 200ms
        akka.cluster.periodic-tasks-initial-delay = 100ms
        akka.cluster.min-nr-of-members = 1
        akka.remote.log-remote-lifecycle-events = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.coordinated-shutdown.exit-clr = off
        """);

    private readonly SharedDependency _dependency;
    private long _reached;
    private long _reachedWhileDown;

    private BenchNode(int index, ActorSystem system, IActorRef dependencies, IActorRef clusterState, SharedDependency dependency)
    {
        Index = index;
        System = system;
        Dependencies = dependencies;
        ClusterState = clusterState;
        _dependency = dependency;
    }

    /// <summary>The node's position in the cluster (0 is the seed).</summary>
    public int Index { get; }

    /// <summary>The node's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The orchestrator's dependencies supervisor.</summary>
    public IActorRef Dependencies { get; }

    /// <summary>The node's cluster-state actor.</summary>
    public IActorRef ClusterState { get; }

    /// <summary>Calls whose work ran on this node (probes included).</summary>
    public long Reached => Interlocked.Read(ref _reached);

    /// <summary>Calls whose work ran on this node while the dependency was down.</summary>
    public long ReachedWhileDown => Interlocked.Read(ref _reachedWhileDown);

    /// <summary>Starts a node whose dependency follows <paramref name="policy"/>; its transitions go to <paramref name="log"/>.</summary>
    public static async Task<BenchNode> StartAsync(int index, ClusterPolicy policy, SharedDependency dependency, TransitionLog log)
    {
        var options = new OrchestratorOptions();
        options.AddDependency(Dependency, d =>
        {
            d.Timeout = TimeSpan.FromSeconds(2);
            d.Breaker.FailureThreshold = 3;
            d.Breaker.ResetTimeout = TimeSpan.FromSeconds(1);
            d.Breaker.MaxResetTimeout = TimeSpan.FromSeconds(1);
            d.Breaker.HalfOpenProbes = 1;
            d.Cluster = new ClusterBreakerOptions { Policy = policy };
        });
        options.Stress.SampleInterval = TimeSpan.FromHours(1);
        options.Validate();
        var sharing = new ClusterSharingOptions().Validate();
        var config = BaseConfig.WithFallback(ClusterSharing.DefaultConfig(sharing));
        var system = ActorSystem.Create("bench", config);
        var listener = system.ActorOf(Props.Create(() => new TransitionListener(index, log)), "bench-listener");
        system.EventStream.Subscribe(listener, typeof(LocalBreakerChanged));
        var guardian = system.ActorOf(OrchestratorGuardian.Props(options), OrchestratorGuardian.Name);
        var children = await guardian.Ask<OrchestratorChildren>(GetOrchestratorChildren.Instance, AskTimeout);
        var clusterState = await ClusterSharing.StartAsync(guardian, options, sharing, AskTimeout);
        return new BenchNode(index, system, children.Dependencies, clusterState, dependency);
    }

    /// <summary>Joins the cluster through <paramref name="seed"/> (itself, for the first node).</summary>
    public void Join(BenchNode seed) => Akka.Cluster.Cluster.Get(System).Join(Akka.Cluster.Cluster.Get(seed.System).SelfAddress);

    /// <summary>Sends one guarded call and waits for its result.</summary>
    public Task<CallResult<string>> CallAsync() =>
        Dependencies.Ask<CallResult<string>>(new GuardedCall<string>(Dependency, async _ =>
        {
            Interlocked.Increment(ref _reached);
            var down = _dependency.Down;
            if (down) Interlocked.Increment(ref _reachedWhileDown);
            await Task.Yield();
            if (down) throw new InvalidOperationException("inventory is down");
            return "ok";
        }), AskTimeout);

    /// <summary>This node's breaker for the dependency.</summary>
    public async Task<BreakerSnapshot> BreakerAsync() =>
        (await Dependencies.Ask<DependencyStatus>(new GetStatus(Dependency), AskTimeout)).Breaker;

    /// <summary>Closes this node's breaker by hand.</summary>
    public Task<BreakerCommandAccepted> ResetAsync() => Dependencies.Ask<BreakerCommandAccepted>(new ResetBreaker(Dependency), AskTimeout);

    /// <summary>What this node knows of the cluster.</summary>
    public Task<ClusterStatus> ClusterStatusAsync() => ClusterState.Ask<ClusterStatus>(GetClusterStatus.Instance, AskTimeout);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!System.WhenTerminated.IsCompleted) await System.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>Timestamps every breaker transition of its node as it arrives.</summary>
    private sealed class TransitionListener : ReceiveActor
    {
        public TransitionListener(int node, TransitionLog log) =>
            Receive<LocalBreakerChanged>(c =>
            {
                if (c.Dependency == Dependency) log.Add(new Transition(node, c.State, c.FollowsCluster, Stopwatch.GetTimestamp()));
            });
    }
}

/// <summary>The one dependency every node calls: up or down for all of them at once.</summary>
public sealed class SharedDependency
{
    private volatile bool _down;

    /// <summary>Whether the dependency fails now.</summary>
    public bool Down
    {
        get => _down;
        set => _down = value;
    }
}

/// <summary>The transitions seen on every node, in arrival order.</summary>
public sealed class TransitionLog
{
    private readonly Lock _gate = new();
    private readonly List<Transition> _items = [];

    /// <summary>Records one transition.</summary>
    public void Add(Transition transition)
    {
        lock (_gate) _items.Add(transition);
    }

    /// <summary>Forgets every transition.</summary>
    public void Clear()
    {
        lock (_gate) _items.Clear();
    }

    /// <summary>A copy of the transitions so far.</summary>
    public List<Transition> Snapshot()
    {
        lock (_gate) return [.. _items];
    }

    /// <summary>Waits (checking every few milliseconds) until <paramref name="done"/> holds for the transitions, or <paramref name="timeout"/> passes.</summary>
    public async Task<bool> WaitUntilAsync(Func<List<Transition>, bool> done, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (done(Snapshot())) return true;
            if (Stopwatch.GetTimestamp() > deadline) return false;
            await Task.Delay(2);
        }
    }
}
