using Microsoft.Extensions.Time.Testing;
using Orchestrator.Actors.Breaker;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Policies;

public sealed class CircuitBreakerProbeRoundTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

    private CircuitBreaker Tripped(int probes)
    {
        var breaker = new CircuitBreaker(new CircuitBreakerOptions { FailureThreshold = 1, HalfOpenProbes = probes, ResetTimeout = TimeSpan.FromSeconds(10) }, _time);
        breaker.RecordFailure(TimeSpan.Zero, breaker.TryAcquire());
        Assert.Equal(BreakerState.Open, breaker.State);
        return breaker;
    }

    /// <summary>Lets the open period end and the breaker's owner see it (its timer fires).</summary>
    private void EndOpenPeriod(CircuitBreaker breaker)
    {
        _time.Advance(TimeSpan.FromSeconds(10));
        breaker.Refresh();
    }

    [Fact]
    public void A_late_success_of_a_probe_from_an_earlier_round_does_not_close_the_breaker()
    {
        var breaker = Tripped(probes: 2);
        EndOpenPeriod(breaker);
        var round1 = breaker.HalfOpenRound;
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Probe, round1); // reopens

        EndOpenPeriod(breaker);
        var round2 = breaker.HalfOpenRound;
        Assert.NotEqual(round1, round2);
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());

        breaker.RecordSuccess(TimeSpan.Zero, BreakerPermit.Probe, round1); // the old second probe ends late
        breaker.RecordSuccess(TimeSpan.Zero, BreakerPermit.Probe, round2);
        Assert.Equal(BreakerState.HalfOpen, breaker.State); // one of two probes of this round succeeded

        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        breaker.RecordSuccess(TimeSpan.Zero, BreakerPermit.Probe, round2);
        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    [Fact]
    public void A_probe_of_an_earlier_round_given_back_late_does_not_make_room_in_this_round()
    {
        var breaker = Tripped(probes: 2);
        EndOpenPeriod(breaker);
        var round1 = breaker.HalfOpenRound;
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Probe, round1); // reopens; the other probe is still out

        EndOpenPeriod(breaker);
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        breaker.ReleaseProbe(round1); // the old probe, dropped before it ran
        Assert.Equal(BreakerPermit.Rejected, breaker.TryAcquire()); // still two per round

        breaker.ReleaseProbe(breaker.HalfOpenRound);
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
    }

    [Fact]
    public void A_late_failure_of_a_probe_from_an_earlier_round_does_not_reopen_the_breaker()
    {
        var breaker = Tripped(probes: 1);
        EndOpenPeriod(breaker);
        var round1 = breaker.HalfOpenRound;
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Probe, round1);
        Assert.Equal(BreakerState.Open, breaker.State);
        EndOpenPeriod(breaker);
        Assert.Equal(BreakerState.HalfOpen, breaker.State);

        breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Probe, round1);
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
    }

    [Fact]
    public void A_late_probe_arriving_after_the_next_reset_timeout_but_before_anyone_looked_is_still_stale()
    {
        var breaker = Tripped(probes: 1);
        EndOpenPeriod(breaker);
        var round1 = breaker.HalfOpenRound;
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Probe, round1); // reopens
        _time.Advance(TimeSpan.FromSeconds(10));                           // due again; its timer has not fired yet

        breaker.RecordSuccess(TimeSpan.Zero, BreakerPermit.Probe, round1);
        Assert.Equal(BreakerState.Open, breaker.State);
        breaker.Refresh();
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
    }

    [Fact]
    public void Open_to_half_open_is_dated_when_the_reset_timeout_ended_not_when_it_was_noticed()
    {
        var breaker = Tripped(probes: 1);
        var due = _time.GetUtcNow() + TimeSpan.FromSeconds(10);
        _time.Advance(TimeSpan.FromSeconds(25));
        breaker.Refresh(); // its timer fired late
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        Assert.Equal(due, breaker.LastTransitionAt);
    }
}
