using System.Runtime.CompilerServices;
using Akka.Actor;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Cluster;

/// <summary>Three ActorSystems on 127.0.0.1 form a cluster and share one dependency's breaker through Akka.DistributedData.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BreakerSharingTests
{
    private static readonly ClusterBreakerOptions AnyOpen = new() { Policy = ClusterPolicy.AnyOpen };

    [Fact]
    public async Task A_breaker_opened_on_one_node_opens_on_the_others_without_their_own_failures()
    {
        await using var cluster = await TestCluster.StartAsync(3, AnyOpen);
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        cluster.DependencyDown = true;

        await TestCluster.OpenBreakerOnAsync(a);

        foreach (var other in new[] { b, c })
        {
            var breaker = await Eventually.Until(other.BreakerAsync, s => s.State == BreakerState.Open, $"{other.Address} opens its breaker");
            Assert.True(breaker.FollowsCluster);
            Assert.Equal(0, breaker.ConsecutiveFailures);
            Assert.Equal(0, other.CallsReachingDependency);

            var result = await other.CallAsync();
            Assert.Equal(DegradationReason.BreakerOpen, result.Reason);
            Assert.Equal(0, other.CallsReachingDependency);

            var view = (await other.ClusterStatusAsync()).Dependencies.Single();
            Assert.Equal([a.Address], view.OpenedOn);
            Assert.True(view.PolicyOpens);
            Assert.Equal(a.Address, view.Prober);
            Assert.Contains(view.Nodes, n => n.Node == other.Address && n.FollowsCluster);
        }
    }

    [Fact]
    public async Task Quorum_opens_the_breaker_everywhere_only_once_enough_nodes_opened_it()
    {
        await using var cluster = await TestCluster.StartAsync(3, new ClusterBreakerOptions { Policy = ClusterPolicy.Quorum }); // a majority: 2 of 3
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        cluster.DependencyDown = true;

        await TestCluster.OpenBreakerOnAsync(a);
        // C learns that A opened it, and that one node is not a quorum.
        var view = await Eventually.Until(async () => (await c.ClusterStatusAsync()).Dependencies.Single(), v => v.OpenedOn.Count == 1,
            "C sees A's breaker open");
        Assert.False(view.PolicyOpens);
        Assert.Equal("Quorum (2 of 3 reachable)", view.Policy);
        Assert.Equal(BreakerState.Closed, (await c.BreakerAsync()).State);
        Assert.Equal(BreakerState.Closed, (await b.BreakerAsync()).State);

        await TestCluster.OpenBreakerOnAsync(b);
        var breaker = await Eventually.Until(c.BreakerAsync, s => s.State == BreakerState.Open, "C opens its breaker once A and B agree");
        Assert.True(breaker.FollowsCluster);
        Assert.Equal(0, c.CallsReachingDependency);
    }

    [Fact]
    public async Task A_node_that_leaves_stops_counting_and_the_others_choose_a_new_prober_and_recover()
    {
        await using var cluster = await TestCluster.StartAsync(3, AnyOpen);
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        cluster.DependencyDown = true;
        await TestCluster.OpenBreakerOnAsync(a);
        await Eventually.Until(b.BreakerAsync, s => s.State == BreakerState.Open, "B follows A");
        await Eventually.Until(c.BreakerAsync, s => s.State == BreakerState.Open, "C follows A");

        cluster.DependencyDown = false;
        await a.LeaveAsync();

        // A's entry no longer counts; B and C, both following, choose one of them to probe (once its own reset
        // timeout ends), which finds the dependency back and closes; the other closes with it. Traffic drives probes.
        await Eventually.Until(async () => (await b.ClusterStatusAsync()).Members.Count, n => n == 2, "B sees A gone");
        var status = await Eventually.Until(async () => (await b.ClusterStatusAsync()).Dependencies.Single(), v => v.Nodes.All(n => n.Node != a.Address),
            "A's entry stops counting on B");
        Assert.DoesNotContain(a.Address, status.OpenedOn);
        Assert.Contains(status.Prober, new[] { b.Address, c.Address });
        await Eventually.Until(async () => { await b.CallAsync(); return await b.BreakerAsync(); }, s => s.State == BreakerState.Closed, "B closes");
        await Eventually.Until(async () => { await c.CallAsync(); return await c.BreakerAsync(); }, s => s.State == BreakerState.Closed, "C closes");
        var afterB = await b.CallAsync();
        Assert.True(afterB.IsSuccess, $"B: {afterB}");
        var afterC = await c.CallAsync();
        Assert.True(afterC.IsSuccess, $"C: {afterC} (A {a.Address}, B {b.Address}, C {c.Address}; C sees {string.Join("; ", (await c.ClusterStatusAsync()).Dependencies.Single().Nodes)}; B sees {string.Join("; ", (await b.ClusterStatusAsync()).Dependencies.Single().Nodes)})");
    }

    [Fact]
    public async Task A_node_that_sees_the_dependency_recover_does_not_follow_evidence_older_than_its_recovery()
    {
        // Open periods longer than the test: a node that takes over probing stays open on its own account throughout.
        await using var cluster = await TestCluster.StartAsync(2, AnyOpen, o =>
        {
            var breaker = o.Dependencies[ClusterNode.Dependency].Breaker;
            breaker.ResetTimeout = breaker.MaxResetTimeout = TimeSpan.FromSeconds(30);
        });
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);

        // An operator isolates A: B follows it and, as an isolated node never probes, takes over probing (open on its own account).
        await a.Dependencies.Ask<BreakerCommandAccepted>(new IsolateBreaker(ClusterNode.Dependency), TimeSpan.FromSeconds(5));
        await Eventually.Until(b.BreakerAsync, s => s.State == BreakerState.Open && !s.FollowsCluster, "B probes for the cluster");
        await Eventually.Until(async () => (await a.ClusterStatusAsync()).Dependencies.Single(), v => v.OpenedOn.Contains(b.Address), "A sees B open");

        // The operator resets A: a recovery seen on A. B's open period began before it, so it does not open A again,
        // and B closes on A's news.
        await a.Dependencies.Ask<BreakerCommandAccepted>(new ResetBreaker(ClusterNode.Dependency), TimeSpan.FromSeconds(5));
        var view = (await a.ClusterStatusAsync()).Dependencies.Single(); // after A's cluster-state actor has pushed its view
        Assert.Empty(view.OpenedOn);
        Assert.False(view.PolicyOpens);
        Assert.Equal(BreakerState.Closed, (await a.BreakerAsync()).State); // the view reached A's actor before this question
        await Eventually.Until(b.BreakerAsync, s => s.State == BreakerState.Closed, "B closes on A's recovery");
        Assert.Equal(BreakerState.Closed, (await a.BreakerAsync()).State);
        Assert.True((await a.CallAsync()).IsSuccess);
        Assert.True((await b.CallAsync()).IsSuccess);
    }

    [Fact]
    public async Task While_the_dependency_recovers_exactly_one_node_probes_and_its_success_closes_every_breaker()
    {
        await using var cluster = await TestCluster.StartAsync(3, AnyOpen);
        var nodes = cluster.Nodes;
        cluster.DependencyDown = true;
        await TestCluster.OpenBreakerOnAsync(nodes[0]);
        foreach (var node in nodes) await Eventually.Until(node.BreakerAsync, s => s.State == BreakerState.Open, $"{node.Address} opens");

        // Every node keeps being asked for 3.5 s (over three reset timeouts of 1 s) while the dependency is still down.
        var before = nodes.Select(n => n.CallsReachingDependency).ToArray();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(3.5);
        while (DateTime.UtcNow < until)
        {
            foreach (var node in nodes) await node.CallAsync();
            await Task.Delay(50);
        }
        var probes = nodes.Select((n, i) => n.CallsReachingDependency - before[i]).ToArray();
        Assert.Equal(1, probes.Count(p => p > 0)); // one node probed ...
        Assert.InRange(probes.Sum(), 1, 4);         // ... about once per reset timeout, not once per call

        // The dependency is back: the prober's next probe succeeds and every breaker closes.
        var prober = nodes[Array.FindIndex(probes, p => p > 0)];
        cluster.DependencyDown = false;
        await Eventually.Until(async () => { await prober.CallAsync(); return await prober.BreakerAsync(); }, s => s.State == BreakerState.Closed,
            "the prober closes");
        foreach (var node in nodes) await Eventually.Until(node.BreakerAsync, s => s.State == BreakerState.Closed, $"{node.Address} closes");
        foreach (var node in nodes) Assert.True((await node.CallAsync()).IsSuccess);
    }

    [Fact]
    public async Task A_healed_dependency_with_a_probe_closes_on_every_node_without_any_traffic()
    {
        var down = new StrongBox<bool>(true);
        var probes = 0;
        await using var cluster = await TestCluster.StartAsync(3, AnyOpen, o => o.Dependencies[ClusterNode.Dependency].Probe = _ =>
        {
            Interlocked.Increment(ref probes);
            return Volatile.Read(ref down.Value) ? Task.FromException(new InvalidOperationException("inventory is down")) : Task.CompletedTask;
        });
        var nodes = cluster.Nodes;
        cluster.DependencyDown = true;
        await TestCluster.OpenBreakerOnAsync(nodes[0]);
        foreach (var node in nodes) await Eventually.Until(node.BreakerAsync, s => s.State == BreakerState.Open, $"{node.Address} opens");

        // Healed, and nobody calls: the prober's own probe finds it back when its open period ends, and every node closes.
        var calls = nodes.Select(n => n.CallsReachingDependency).ToArray();
        Volatile.Write(ref down.Value, false);
        cluster.DependencyDown = false;
        foreach (var node in nodes) await Eventually.Until(node.BreakerAsync, s => s.State == BreakerState.Closed, $"{node.Address} closes");
        Assert.Equal(calls, nodes.Select(n => n.CallsReachingDependency).ToArray()); // no call was needed
        Assert.True(Volatile.Read(ref probes) >= 1);
    }

    [Fact]
    public async Task Without_a_probe_a_follower_with_traffic_takes_over_from_an_idle_prober_within_one_reset_timeout()
    {
        // Reset timeout 1 s; the old rule (twice MaxResetTimeout of silence) would wait a minute.
        await using var cluster = await TestCluster.StartAsync(3, AnyOpen, o => o.Dependencies[ClusterNode.Dependency].Breaker.MaxResetTimeout = TimeSpan.FromSeconds(30));
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        cluster.DependencyDown = true;
        await TestCluster.OpenBreakerOnAsync(a);
        await Eventually.Until(b.BreakerAsync, s => s.State == BreakerState.Open && s.FollowsCluster, "B follows A");
        await Eventually.Until(c.BreakerAsync, s => s.State == BreakerState.Open && s.FollowsCluster, "C follows A");

        // Healed; only B's callers want it. A goes half-open and has nothing to probe with; B takes over and recovers.
        cluster.DependencyDown = false;
        var callsOnA = a.CallsReachingDependency;
        await Eventually.Until(async () => { await b.CallAsync(); return await b.BreakerAsync(); }, s => s.State == BreakerState.Closed,
            "B takes over probing and closes", TimeSpan.FromSeconds(10));
        await Eventually.Until(a.BreakerAsync, s => s.State == BreakerState.Closed, "A closes on B's recovery");
        await Eventually.Until(c.BreakerAsync, s => s.State == BreakerState.Closed, "C closes on B's recovery");
        Assert.Equal(callsOnA, a.CallsReachingDependency);
    }

    [Fact]
    public async Task A_node_that_joins_late_learns_the_open_breaker_at_once()
    {
        // Open long enough for the late node to join while it is open: a half-open breaker opens no other node's
        // (NodeBreakerEntry.CountsAsOpen), and with the nodes' 1 s reset timeout the join raced the open period.
        static void OpenLong(OrchestratorOptions o)
        {
            var breaker = o.Dependencies[ClusterNode.Dependency].Breaker;
            breaker.ResetTimeout = TimeSpan.FromSeconds(30);
            breaker.MaxResetTimeout = TimeSpan.FromSeconds(30);
        }
        await using var cluster = await TestCluster.StartAsync(2, AnyOpen, OpenLong);
        cluster.DependencyDown = true;
        await TestCluster.OpenBreakerOnAsync(cluster.Nodes[0]);
        await Eventually.Until(cluster.Nodes[1].BreakerAsync, s => s.State == BreakerState.Open, "the second node follows");

        var late = await cluster.AddNodeAsync(AnyOpen, OpenLong);
        var breaker = await Eventually.Until(late.BreakerAsync, s => s.State == BreakerState.Open, "the late joiner opens", TimeSpan.FromSeconds(15));
        Assert.True(breaker.FollowsCluster);
        Assert.Equal(0, late.CallsReachingDependency);
    }

    [Fact]
    public async Task LocalOnly_shows_other_nodes_state_but_never_acts_on_it()
    {
        await using var cluster = await TestCluster.StartAsync(2, new ClusterBreakerOptions { Policy = ClusterPolicy.LocalOnly });
        cluster.DependencyDown = true;
        await TestCluster.OpenBreakerOnAsync(cluster.Nodes[0]);
        var view = await Eventually.Until(async () => (await cluster.Nodes[1].ClusterStatusAsync()).Dependencies.Single(), v => v.OpenedOn.Count == 1,
            "the second node sees the first's breaker open");
        Assert.False(view.PolicyOpens);
        Assert.Null(view.Prober);
        Assert.Equal(BreakerState.Closed, (await cluster.Nodes[1].BreakerAsync()).State);
    }

    [Fact]
    public async Task Shared_stress_makes_every_node_degrade_to_the_highest_level_in_the_cluster()
    {
        var signals = new Dictionary<int, Signals>();
        var index = 0;
        await using var cluster = await TestCluster.StartAsync(2, AnyOpen, o =>
        {
            var script = new Signals();
            signals[index++] = script;
            o.StressSignals = script;
            o.Stress.SampleInterval = TimeSpan.FromMilliseconds(100);
            o.Stress.MinDwell = TimeSpan.Zero;
            o.AddFeature("reviews", Tier.Optional);
        }, share: s => s.ShareStress = true);
        Func<Task<DegradationStatus>> degradation = () => cluster.Nodes[1].System.ActorSelection("/user/orchestrator/coordinator")
            .Ask<DegradationStatus>(Orchestrator.Actors.Coordination.GetDegradation.Instance, TimeSpan.FromSeconds(5));

        signals[0].Current = new StressSignals(1.0, 1.0, 1.0, 1.0, ["scripted"]);
        var status = await Eventually.Until(degradation, d => d.Level == StressLevel.Severe, "the calm node degrades to the stressed node's level");
        Assert.Contains(status.Reasons, r => r.Signal == StressSignal.Cluster && r.Source.Contains(cluster.Nodes[0].Address));
        Assert.False(status.Allows(Tier.Optional, "reviews"));

        signals[0].Current = StressSignals.Calm;
        await Eventually.Until(degradation, d => d.Level == StressLevel.Normal, "the calm node recovers with the other");
    }

    private sealed class Signals : IStressSignalSource
    {
        private volatile StressSignals _current = StressSignals.Calm;

        public StressSignals Current
        {
            get => _current;
            set => _current = value;
        }

        public StressSignals Read() => _current;
    }
}
