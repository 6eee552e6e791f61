using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Orchestrator.Actors.Cluster;
using Orchestrator.Clustering;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Root;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Cluster;

/// <summary>
/// One node of an in-process test cluster: an ActorSystem with Akka.Cluster on 127.0.0.1 (port 0) and the
/// orchestrator guarding one dependency, <see cref="Dependency"/>, whose work fails while <see cref="DependencyDown"/>
/// is set (shared by every node: one dependency seen from several nodes) and counts the calls that reached it here.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    /// <summary>The guarded dependency's name.</summary>
    public const string Dependency = "inventory";

    private static readonly Config BaseConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = INFO
        akka.stdout-loglevel = WARNING
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.cluster.gossip-interval = 200ms
        akka.cluster.leader-actions-interval = 200ms
        akka.cluster.periodic-tasks-initial-delay = 100ms
        akka.cluster.min-nr-of-members = 1
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.coordinated-shutdown.exit-clr = off
        """);

    private int _calls;

    private ClusterNode(ActorSystem system, IActorRef dependencies, IActorRef clusterState, Func<bool> dependencyDown)
    {
        System = system;
        Dependencies = dependencies;
        ClusterState = clusterState;
        DependencyDown = dependencyDown;
    }

    /// <summary>The node's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The node's address.</summary>
    public string Address => Akka.Cluster.Cluster.Get(System).SelfAddress.ToString();

    /// <summary>The orchestrator's dependencies supervisor.</summary>
    public IActorRef Dependencies { get; }

    /// <summary>The node's cluster-state actor.</summary>
    public IActorRef ClusterState { get; }

    /// <summary>Whether the dependency fails now.</summary>
    public Func<bool> DependencyDown { get; }

    /// <summary>Calls whose work ran on this node (probes included).</summary>
    public int CallsReachingDependency => Volatile.Read(ref _calls);

    /// <summary>
    /// Starts a node guarding <see cref="Dependency"/> under <paramref name="policy"/>, with remoting on <paramref name="port"/>
    /// (0: any free one); <paramref name="configure"/> changes its orchestrator options, <paramref name="share"/> its sharing options.
    /// </summary>
    public static async Task<ClusterNode> StartAsync(string name, ClusterBreakerOptions policy, Func<bool> dependencyDown, ConcurrentQueue<string>? log = null,
        Action<OrchestratorOptions>? configure = null, int port = 0, Action<ClusterSharingOptions>? share = null)
    {
        var options = new OrchestratorOptions();
        options.AddDependency(Dependency, d =>
        {
            d.Timeout = TimeSpan.FromSeconds(2);
            d.Breaker.FailureThreshold = 3;
            d.Breaker.ResetTimeout = TimeSpan.FromSeconds(1);
            d.Breaker.MaxResetTimeout = TimeSpan.FromSeconds(1);
            d.Breaker.HalfOpenProbes = 1;
            d.Cluster = policy;
        });
        options.Stress.SampleInterval = TimeSpan.FromHours(1);
        configure?.Invoke(options);
        options.Validate();
        var sharing = new ClusterSharingOptions();
        share?.Invoke(sharing);
        sharing.Validate();
        var config = ConfigurationFactory.ParseString($"akka.remote.dot-netty.tcp.port = {port}")
            .WithFallback(BaseConfig).WithFallback(ClusterSharing.DefaultConfig(sharing));
        var system = ActorSystem.Create("cluster-test", config);
        var guardian = system.ActorOf(OrchestratorGuardian.Props(options), OrchestratorGuardian.Name);
        var children = await guardian.Ask<OrchestratorChildren>(GetOrchestratorChildren.Instance, TimeSpan.FromSeconds(10));
        var clusterState = await ClusterSharing.StartAsync(guardian, options, sharing, TimeSpan.FromSeconds(10));
        return new ClusterNode(system, children.Dependencies, clusterState, dependencyDown);
    }

    /// <summary>Joins the cluster through <paramref name="seed"/> (itself, for the first node).</summary>
    public void Join(ClusterNode seed) => Akka.Cluster.Cluster.Get(System).Join(Akka.Cluster.Cluster.Get(seed.System).SelfAddress);

    /// <summary>Sends one guarded call and waits for its result.</summary>
    public Task<CallResult<string>> CallAsync() =>
        Dependencies.Ask<CallResult<string>>(new GuardedCall<string>(Dependency, async ct =>
        {
            Interlocked.Increment(ref _calls);
            await Task.Yield();
            if (DependencyDown()) throw new InvalidOperationException("inventory is down");
            return "ok";
        }), TimeSpan.FromSeconds(10));

    /// <summary>This node's breaker for the dependency.</summary>
    public async Task<BreakerSnapshot> BreakerAsync() =>
        (await Dependencies.Ask<DependencyStatus>(new GetStatus(Dependency), TimeSpan.FromSeconds(5))).Breaker;

    /// <summary>What this node knows of the cluster.</summary>
    public Task<ClusterStatus> ClusterStatusAsync() => ClusterState.Ask<ClusterStatus>(GetClusterStatus.Instance, TimeSpan.FromSeconds(5));

    /// <summary>Leaves the cluster gracefully and stops.</summary>
    public async Task LeaveAsync()
    {
        await Akka.Cluster.Cluster.Get(System).LeaveAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await System.Terminate();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!System.WhenTerminated.IsCompleted) await System.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
    }
}
