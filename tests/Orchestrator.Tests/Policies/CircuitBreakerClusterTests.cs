using Microsoft.Extensions.Time.Testing;
using Orchestrator.Actors.Breaker;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Policies;

/// <summary>The breaker's cluster moves: following other nodes' evidence, release, taking over probing, deferring to another prober.</summary>
public sealed class CircuitBreakerClusterTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<BreakerTransition> _transitions = [];

    private CircuitBreaker Create() => new(new CircuitBreakerOptions { ResetTimeout = TimeSpan.FromSeconds(10), FailureThreshold = 2 }, _time)
    {
        Transitioned = _transitions.Add,
    };

    [Fact]
    public void A_followed_breaker_is_open_without_a_reset_timeout_until_released()
    {
        var breaker = Create();
        Assert.True(breaker.Follow("cluster"));
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.True(breaker.FollowsCluster);
        Assert.Null(breaker.OpenUntil);
        Assert.False(breaker.IsCallPermitted);
        Assert.True(_transitions.Single().FollowsCluster);
        Assert.True(breaker.Snapshot() is { State: BreakerState.Open, FollowsCluster: true, OpenUntil: null });

        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(BreakerState.Open, breaker.State); // no probes of its own

        Assert.True(breaker.Release("recovered elsewhere"));
        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.False(breaker.FollowsCluster);
        Assert.True(breaker.Snapshot() is { Trips: 0, FollowsCluster: false });
    }

    [Fact]
    public void Only_a_closed_breaker_follows()
    {
        var breaker = Create();
        breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Allowed);
        breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Allowed);
        Assert.False(breaker.Follow("cluster"));
        Assert.False(breaker.FollowsCluster);
        breaker.Isolate();
        Assert.False(breaker.Follow("cluster"));
        Assert.False(breaker.Release("recovered elsewhere")); // isolation is the operator's, not the cluster's
        Assert.Equal(BreakerState.Isolated, breaker.State);
        breaker.Reset();
        Assert.False(breaker.Release("recovered elsewhere")); // closed already
    }

    [Fact]
    public void Taking_over_probing_opens_for_the_reset_timeout_then_half_opens()
    {
        var breaker = Create();
        breaker.Follow("cluster");
        Assert.True(breaker.TakeOverProbing("the prober left"));
        Assert.False(breaker.FollowsCluster);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(10), breaker.OpenUntil);
        _time.Advance(TimeSpan.FromSeconds(10));
        breaker.Refresh();
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        Assert.False(breaker.TakeOverProbing("again")); // only a follower takes over
    }

    [Fact]
    public void While_another_node_probes_an_ended_open_period_follows_instead_of_half_opening()
    {
        var breaker = Create();
        breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Allowed);
        breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Allowed);
        breaker.ProbesElsewhere = true;
        _time.Advance(TimeSpan.FromSeconds(10));
        breaker.Refresh();
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.True(breaker.FollowsCluster);
        Assert.Null(breaker.OpenUntil);
        Assert.Equal(BreakerPermit.Rejected, breaker.TryAcquire());
        Assert.Equal("reset timeout ended; another node probes for the cluster", _transitions[^1].Reason);
        Assert.True(_transitions[^1].FollowsCluster);
    }

    [Fact]
    public void A_breaker_open_on_its_own_evidence_does_not_take_over_probing()
    {
        var breaker = Create();
        breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Allowed);
        breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Allowed);
        var openUntil = breaker.OpenUntil;
        var moves = _transitions.Count;
        _time.Advance(TimeSpan.FromSeconds(4));

        Assert.False(breaker.TakeOverProbing("the prober left"));
        Assert.False(breaker.TakeOverProbing("the prober left", probeNow: true));
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.Equal(openUntil, breaker.OpenUntil); // its own open period, not restarted
        Assert.Equal(moves, _transitions.Count);
    }

    [Fact]
    public void Taking_over_probing_now_half_opens_at_once_with_a_probe_to_hand_out()
    {
        var breaker = Create();
        breaker.Follow("cluster");
        Assert.True(breaker.TakeOverProbing("waited long enough", probeNow: true));
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        Assert.False(breaker.FollowsCluster);
        Assert.Equal(("waited long enough", BreakerState.HalfOpen), (_transitions[^1].Reason, _transitions[^1].To));
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
    }

    [Fact]
    public void A_reset_by_hand_ends_following()
    {
        var breaker = Create();
        breaker.Follow("cluster");
        breaker.Reset();
        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.False(breaker.FollowsCluster);
    }
}
