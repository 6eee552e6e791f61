using Akka.Actor;
using Orchestrator.Actors.Cluster;
using Orchestrator.Clustering;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Actors;

/// <summary>
/// A dependency's own health probe (<c>DependencyOptions.Probe</c>): run by its actor when the open period ends, with
/// no callers' traffic; and, without a probe, a follower with traffic taking over from a silent half-open prober
/// within one reset timeout. Virtual time throughout; the cluster is played by views sent to the actor.
/// </summary>
public sealed class ActiveProbeTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private const string Name = "inventory";
    private static readonly TimeSpan Reset = TimeSpan.FromSeconds(30);

    private int _probes;
    private int _calls;
    private volatile bool _healthy;

    private Task Probe(CancellationToken ct)
    {
        Interlocked.Increment(ref _probes);
        return _healthy ? Task.CompletedTask : Task.FromException(new HttpRequestException("health check failed"));
    }

    private IActorRef WithProbe(Action<DependencyOptions>? configure = null) => Dependency(Name, o =>
    {
        o.Breaker.ResetTimeout = o.Breaker.MaxResetTimeout = Reset;
        o.Probe = Probe;
        configure?.Invoke(o);
    });

    private GuardedCall<int> Call(bool fails) => new(Name, _ =>
    {
        Interlocked.Increment(ref _calls);
        return fails ? Task.FromException<int>(new HttpRequestException("down")) : Task.FromResult(1);
    }) { ReplyTo = TestActor };

    private void Open(IActorRef dependency)
    {
        for (var i = 0; i < 5; i++)
        {
            dependency.Tell(Call(fails: true));
            ExpectResult<int>();
        }
        Assert.Equal(BreakerState.Open, StatusOf(dependency).Breaker.State);
    }

    private void AwaitState(IActorRef dependency, BreakerState state) =>
        AwaitAssert(() => Assert.Equal(state, StatusOf(dependency).Breaker.State), TimeSpan.FromSeconds(5));

    [Fact]
    public void With_no_traffic_the_probe_runs_when_the_open_period_ends_and_its_success_closes_the_breaker()
    {
        var inventory = WithProbe();
        Open(inventory);
        _healthy = true;

        Advance(Reset - TimeSpan.FromSeconds(1));
        Assert.Equal(BreakerState.Open, StatusOf(inventory).Breaker.State);
        Assert.Equal(0, _probes); // not before it is due

        Advance(TimeSpan.FromSeconds(1));
        AwaitState(inventory, BreakerState.Closed);
        Assert.Equal(1, _probes);
        Assert.Equal(5, _calls); // no call was needed

        // Closed: the probe never runs.
        Advance(Reset * 4);
        Assert.Equal(1, _probes);
        Assert.Equal(BreakerState.Closed, StatusOf(inventory).Breaker.State);
    }

    [Fact]
    public void A_failing_probe_reopens_the_breaker_and_the_next_runs_one_open_period_later()
    {
        var inventory = WithProbe();
        Open(inventory);

        Advance(Reset);
        AwaitAssert(() => Assert.Equal(1, _probes), TimeSpan.FromSeconds(5));
        AwaitState(inventory, BreakerState.Open);

        Advance(Reset - TimeSpan.FromSeconds(1));
        Assert.Equal(1, _probes);
        _healthy = true;
        Advance(TimeSpan.FromSeconds(1));
        AwaitState(inventory, BreakerState.Closed);
        Assert.Equal(2, _probes);
    }

    [Fact]
    public void A_probe_that_outlasts_its_timeout_fails()
    {
        var started = new TaskCompletionSource();
        var inventory = Dependency(Name, o =>
        {
            o.Breaker.ResetTimeout = o.Breaker.MaxResetTimeout = Reset;
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.Probe = ct =>
            {
                started.TrySetResult();
                return Task.Delay(Timeout.InfiniteTimeSpan, ct); // never answers
            };
        });
        Open(inventory);

        Advance(Reset);
        Await(started.Task);
        Assert.Equal(BreakerState.HalfOpen, StatusOf(inventory).Breaker.State);
        Advance(TimeSpan.FromSeconds(2));
        AwaitState(inventory, BreakerState.Open);
    }

    [Fact]
    public void Every_configured_probe_must_succeed_and_they_run_one_after_another()
    {
        var inventory = WithProbe(o => o.Breaker.HalfOpenProbes = 3);
        Open(inventory);
        _healthy = true;

        Advance(Reset);
        AwaitState(inventory, BreakerState.Closed);
        Assert.Equal(3, _probes);
    }

    [Fact]
    public void The_probe_runs_only_where_this_node_probes_for_the_cluster()
    {
        var inventory = WithProbe(o => o.Breaker.MaxResetTimeout = TimeSpan.FromMinutes(10)); // a stuck prober is replaced only after 20 min
        _healthy = true;
        // Another node opened the breaker and probes: this one follows, and its probe never runs.
        inventory.Tell(View(prober: "node-a", probesHere: false, version: 1));
        Assert.True(StatusOf(inventory).Breaker.FollowsCluster);
        Advance(Reset * 3);
        Assert.Equal(0, _probes);
        Assert.Equal(BreakerState.Open, StatusOf(inventory).Breaker.State);

        // The cluster chooses this node: open for its reset timeout, then its probe runs and closes the breaker.
        inventory.Tell(View(prober: "node-b", probesHere: true, version: 1));
        AwaitAssert(() => Assert.False(StatusOf(inventory).Breaker.FollowsCluster), TimeSpan.FromSeconds(5));
        Advance(Reset);
        AwaitState(inventory, BreakerState.Closed);
        Assert.Equal(1, _probes);
    }

    [Fact]
    public void Without_a_probe_a_follower_with_traffic_takes_over_from_a_silent_half_open_prober_after_one_reset_timeout()
    {
        var inventory = Dependency(Name, o => o.Breaker.ResetTimeout = Reset); // MaxResetTimeout 10 min: the old rule waits 20 min
        inventory.Tell(View(prober: "node-a", probesHere: false, version: 1));
        AwaitAssert(() => Assert.True(StatusOf(inventory).Breaker.FollowsCluster), TimeSpan.FromSeconds(5));
        // The prober's open period ends: it goes half-open, and then says nothing (no traffic there).
        Advance(Reset);
        inventory.Tell(View(prober: "node-a", probesHere: false, version: 2, proberHalfOpen: true));
        StatusOf(inventory); // the view is taken in before the clock moves

        Advance(TimeSpan.FromSeconds(10));
        inventory.Tell(Call(fails: false)); // a caller here wants it: turned away, but heard
        Assert.Equal(DegradationReason.BreakerOpen, ExpectResult<int>().Reason);
        Advance(Reset - TimeSpan.FromSeconds(10) - TimeSpan.FromSeconds(1));
        Assert.True(StatusOf(inventory).Breaker.FollowsCluster);

        Advance(TimeSpan.FromSeconds(1)); // one reset timeout of silence
        AwaitState(inventory, BreakerState.HalfOpen);
        Assert.False(StatusOf(inventory).Breaker.FollowsCluster);
        inventory.Tell(Call(fails: false)); // the probe
        Assert.True(ExpectResult<int>().IsSuccess);
        Assert.Equal(BreakerState.Closed, StatusOf(inventory).Breaker.State);
    }

    [Fact]
    public void Without_traffic_or_while_the_prober_sends_news_a_follower_keeps_following()
    {
        var inventory = Dependency(Name, o => o.Breaker.ResetTimeout = Reset);
        inventory.Tell(View(prober: "node-a", probesHere: false, version: 1));
        AwaitAssert(() => Assert.True(StatusOf(inventory).Breaker.FollowsCluster), TimeSpan.FromSeconds(5));
        inventory.Tell(View(prober: "node-a", probesHere: false, version: 2, proberHalfOpen: true));
        StatusOf(inventory);

        // No traffic: a half-open prober's silence does not matter here.
        Advance(Reset * 3);
        Assert.True(StatusOf(inventory).Breaker.FollowsCluster);

        // Traffic, but the prober is heard from (it probed and re-opened, then went half-open again) before the silence is long enough.
        inventory.Tell(View(prober: "node-a", probesHere: false, version: 3, proberHalfOpen: true));
        StatusOf(inventory);
        inventory.Tell(Call(fails: false));
        Assert.Equal(DegradationReason.BreakerOpen, ExpectResult<int>().Reason);
        Advance(Reset - TimeSpan.FromSeconds(1));
        inventory.Tell(View(prober: "node-a", probesHere: false, version: 4));
        inventory.Tell(View(prober: "node-a", probesHere: false, version: 5, proberHalfOpen: true));
        Assert.True(StatusOf(inventory).Breaker.FollowsCluster);
        Advance(TimeSpan.FromSeconds(2));
        Assert.True(StatusOf(inventory).Breaker.FollowsCluster);
        Assert.Equal(BreakerState.Open, StatusOf(inventory).Breaker.State);
        Assert.Equal(0, _calls);
    }

    private static ClusterBreakerView View(string prober, bool probesHere, long version, bool proberHalfOpen = false) =>
        new(Name, "AnyOpen", PolicyOpens: true, OpenedOn: [prober], prober, probesHere, version, RecoveredOn: null) { ProberHalfOpen = proberHalfOpen };
}
