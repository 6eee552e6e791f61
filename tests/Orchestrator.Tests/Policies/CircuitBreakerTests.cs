using Microsoft.Extensions.Time.Testing;
using Orchestrator.Actors.Breaker;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Policies;

/// <summary>The circuit breaker's state machine, driven by a fake clock: no actors, no sleeps.</summary>
public sealed class CircuitBreakerTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _time = new();
    private readonly List<BreakerTransition> _transitions = [];

    private CircuitBreaker Create(Action<CircuitBreakerOptions>? configure = null)
    {
        var options = new CircuitBreakerOptions();
        configure?.Invoke(options);
        var breaker = new CircuitBreaker(options, _time) { Transitioned = _transitions.Add };
        return breaker;
    }

    private static void Fail(CircuitBreaker breaker, int times = 1, TimeSpan? duration = null)
    {
        for (var i = 0; i < times; i++) breaker.RecordFailure(duration ?? Fast, BreakerPermit.Allowed);
    }

    private static void Succeed(CircuitBreaker breaker, int times = 1, TimeSpan? duration = null)
    {
        for (var i = 0; i < times; i++) breaker.RecordSuccess(duration ?? Fast, BreakerPermit.Allowed);
    }

    /// <summary>Opens a breaker built with default counting rules (5 in a row).</summary>
    private static void Trip(CircuitBreaker breaker)
    {
        Fail(breaker, 5);
        Assert.Equal(BreakerState.Open, breaker.State);
    }

    /// <summary>Moves an open breaker to half-open: its reset timeout passes and its owner's timer fires.</summary>
    private void WaitUntilHalfOpen(CircuitBreaker breaker)
    {
        var until = breaker.OpenUntil ?? throw new InvalidOperationException("not open");
        _time.SetUtcNow(until);
        breaker.Refresh();
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
    }

    // ----- construction -----

    [Fact]
    public void A_new_breaker_is_closed_permits_calls_and_has_raised_nothing()
    {
        var start = _time.GetUtcNow();
        var breaker = Create();

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.True(breaker.IsCallPermitted);
        Assert.Equal(BreakerPermit.Allowed, breaker.TryAcquire());
        Assert.Null(breaker.OpenUntil);
        Assert.Equal(start, breaker.LastTransitionAt);
        Assert.Empty(_transitions);
        Assert.Equal(new BreakerSnapshot(BreakerState.Closed, 0, 0, 0, 0, 0, null, start), breaker.Snapshot());
    }

    [Fact]
    public void Constructor_rejects_null_arguments()
    {
        Assert.Throws<ArgumentNullException>(() => new CircuitBreaker(null!, _time));
        Assert.Throws<ArgumentNullException>(() => new CircuitBreaker(new CircuitBreakerOptions(), null!));
    }

    [Fact]
    public void A_closed_breaker_allows_every_call()
    {
        var breaker = Create();
        for (var i = 0; i < 100; i++) Assert.Equal(BreakerPermit.Allowed, breaker.TryAcquire());
        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    // ----- consecutive failures -----

    [Fact]
    public void By_default_five_consecutive_failures_open_the_breaker()
    {
        var breaker = Create();

        Fail(breaker, 4);
        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(4, breaker.Snapshot().ConsecutiveFailures);
        Assert.Empty(_transitions);

        var trippedAt = _time.GetUtcNow();
        Fail(breaker);

        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.False(breaker.IsCallPermitted);
        Assert.Equal(BreakerPermit.Rejected, breaker.TryAcquire());
        var t = Assert.Single(_transitions);
        Assert.Equal(new BreakerTransition(BreakerState.Closed, BreakerState.Open, "5 consecutive failures", TimeSpan.FromSeconds(60)), t);
        Assert.Equal(trippedAt, breaker.LastTransitionAt);
        Assert.Equal(trippedAt + TimeSpan.FromSeconds(60), breaker.OpenUntil);
    }

    [Fact]
    public void A_success_between_failures_resets_the_consecutive_count()
    {
        var breaker = Create(o => o.FailureRatio = null);

        Fail(breaker, 4);
        Succeed(breaker);
        Assert.Equal(0, breaker.Snapshot().ConsecutiveFailures);
        Fail(breaker, 4);

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(4, breaker.Snapshot().ConsecutiveFailures);
        Assert.Empty(_transitions);

        Fail(breaker);
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.Equal("5 consecutive failures", Assert.Single(_transitions).Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(12)]
    public void The_failure_threshold_is_configurable(int threshold)
    {
        var breaker = Create(o => { o.FailureThreshold = threshold; o.FailureRatio = null; });

        Fail(breaker, threshold - 1);
        Assert.Equal(BreakerState.Closed, breaker.State);

        Fail(breaker);
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.Equal($"{threshold} consecutive failures", Assert.Single(_transitions).Reason);
    }

    [Fact]
    public void A_failure_threshold_of_zero_turns_the_consecutive_rule_off()
    {
        var breaker = Create(o => { o.FailureThreshold = 0; o.FailureRatio = null; o.SlowCallDuration = TimeSpan.FromSeconds(1); });

        Fail(breaker, 200);

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(200, breaker.Snapshot().ConsecutiveFailures);
        Assert.Empty(_transitions);
    }

    // ----- failure ratio -----

    [Fact]
    public void The_failure_ratio_rule_waits_for_the_minimum_throughput()
    {
        var breaker = Create(o => { o.FailureThreshold = 0; o.FailureRatio = 0.5; o.MinimumThroughput = 10; });

        Fail(breaker, 9);
        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Empty(_transitions);

        // The tenth call, even a success, brings the window to the minimum throughput: 9 / 10 >= 0.5.
        Succeed(breaker);

        Assert.Equal(BreakerState.Open, breaker.State);
        var t = Assert.Single(_transitions);
        Assert.Equal(BreakerState.Closed, t.From);
        Assert.Equal(BreakerState.Open, t.To);
        Assert.Equal("failure ratio 0.9 over 10 calls reached 0.5", t.Reason);
        Assert.Equal(TimeSpan.FromSeconds(60), t.OpenFor);
    }

    [Fact]
    public void The_failure_ratio_rule_opens_when_the_ratio_is_reached_not_before()
    {
        var breaker = Create(o => { o.FailureThreshold = 0; o.FailureRatio = 0.5; o.MinimumThroughput = 10; });

        Succeed(breaker, 6);
        Fail(breaker, 5); // 5 / 11 < 0.5
        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Empty(_transitions);

        Fail(breaker); // 6 / 12 == 0.5
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.Equal("failure ratio 0.5 over 12 calls reached 0.5", Assert.Single(_transitions).Reason);
    }

    [Fact]
    public void Failures_older_than_the_window_slide_out_and_do_not_count()
    {
        var breaker = Create(o =>
        {
            o.FailureThreshold = 0; o.FailureRatio = 0.5; o.MinimumThroughput = 10; o.SamplingWindow = TimeSpan.FromSeconds(10);
        });

        Fail(breaker, 9);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, breaker.Snapshot().WindowCalls);

        Fail(breaker); // 1 call in the window, not the 10 the rule needs

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(1, breaker.Snapshot().WindowCalls);
        Assert.Empty(_transitions);
    }

    [Fact]
    public void Failures_inside_the_window_still_count_after_time_passes()
    {
        var breaker = Create(o =>
        {
            o.FailureThreshold = 0; o.FailureRatio = 0.5; o.MinimumThroughput = 10; o.SamplingWindow = TimeSpan.FromSeconds(10);
        });

        Fail(breaker, 9);
        _time.Advance(TimeSpan.FromSeconds(8));
        Fail(breaker);

        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.Equal("failure ratio 1 over 10 calls reached 0.5", Assert.Single(_transitions).Reason);
    }

    [Fact]
    public void Successes_sliding_out_of_the_window_raise_the_failure_ratio()
    {
        var breaker = Create(o =>
        {
            o.FailureThreshold = 0; o.FailureRatio = 0.5; o.MinimumThroughput = 10; o.SamplingWindow = TimeSpan.FromSeconds(10);
        });

        Succeed(breaker, 10);
        _time.Advance(TimeSpan.FromSeconds(5));
        Fail(breaker, 9); // 9 / 19: closed
        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal((19, 9), (breaker.Snapshot().WindowCalls, breaker.Snapshot().WindowFailures));

        _time.Advance(TimeSpan.FromSeconds(5)); // the ten successes leave the window
        Assert.Equal((9, 9), (breaker.Snapshot().WindowCalls, breaker.Snapshot().WindowFailures));
        Fail(breaker); // 10 / 10

        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.Equal("failure ratio 1 over 10 calls reached 0.5", Assert.Single(_transitions).Reason);
    }

    [Fact]
    public void No_failure_ratio_turns_the_ratio_rule_off()
    {
        var breaker = Create(o => { o.FailureThreshold = 0; o.FailureRatio = null; o.MinimumThroughput = 1; });

        for (var i = 0; i < 50; i++)
        {
            Fail(breaker, 3);
            Succeed(breaker);
        }

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Empty(_transitions);
    }

    [Fact]
    public void The_failure_ratio_rule_opens_at_exactly_the_ratio_even_when_ratio_times_calls_is_inexact()
    {
        var breaker = Create(o => { o.FailureThreshold = 0; o.FailureRatio = 0.28; o.MinimumThroughput = 25; });

        Succeed(breaker, 18);
        Fail(breaker, 7); // 7 / 25 == 0.28

        Assert.Equal(BreakerState.Open, breaker.State);
    }

    [Fact]
    public void The_slow_call_ratio_rule_opens_at_exactly_the_ratio_even_when_ratio_times_calls_is_inexact()
    {
        var breaker = Create(o =>
        {
            o.FailureThreshold = 0; o.FailureRatio = null; o.MinimumThroughput = 25;
            o.SlowCallDuration = TimeSpan.FromSeconds(1); o.SlowCallRatio = 0.56;
        });

        Succeed(breaker, 11);
        Succeed(breaker, 14, Slow); // 14 / 25 == 0.56

        Assert.Equal(BreakerState.Open, breaker.State);
    }

    // ----- slow calls -----

    private CircuitBreaker SlowOnly(int minimumThroughput = 10) => Create(o =>
    {
        o.FailureThreshold = 0;
        o.FailureRatio = null;
        o.MinimumThroughput = minimumThroughput;
        o.SlowCallDuration = TimeSpan.FromSeconds(1);
        o.SlowCallRatio = 0.8;
    });

    [Fact]
    public void Slow_successes_open_the_breaker_once_the_slow_call_ratio_is_reached()
    {
        var breaker = SlowOnly();

        Succeed(breaker, 8, Slow);
        Succeed(breaker, 1);
        Assert.Equal(BreakerState.Closed, breaker.State); // 9 calls: below the minimum throughput
        Assert.Equal(8, breaker.Snapshot().WindowSlowCalls);

        Succeed(breaker, 1); // 8 / 10 == 0.8

        Assert.Equal(BreakerState.Open, breaker.State);
        var t = Assert.Single(_transitions);
        Assert.Equal(BreakerState.Closed, t.From);
        Assert.Equal(BreakerState.Open, t.To);
        Assert.Equal("slow-call ratio 0.8 over 10 calls reached 0.8", t.Reason);
        Assert.Equal(TimeSpan.FromSeconds(60), t.OpenFor);
    }

    [Fact]
    public void Below_the_slow_call_ratio_the_breaker_stays_closed()
    {
        var breaker = SlowOnly();

        Succeed(breaker, 7, Slow);
        Succeed(breaker, 3);

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(7, breaker.Snapshot().WindowSlowCalls);
        Assert.Empty(_transitions);
    }

    [Fact]
    public void A_call_lasting_exactly_the_slow_call_duration_is_slow_and_one_just_shorter_is_not()
    {
        var breaker = SlowOnly();

        Succeed(breaker, 1, TimeSpan.FromSeconds(1));
        Succeed(breaker, 1, TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));

        Assert.Equal(1, breaker.Snapshot().WindowSlowCalls);
        Assert.Equal(2, breaker.Snapshot().WindowCalls);
    }

    [Fact]
    public void Slow_failures_count_both_as_failures_and_as_slow_calls()
    {
        var breaker = Create(o =>
        {
            o.FailureRatio = null; o.FailureThreshold = 0; o.SlowCallDuration = TimeSpan.FromSeconds(1); o.MinimumThroughput = 100;
        });

        Fail(breaker, 3, Slow);
        Fail(breaker, 2);

        var snapshot = breaker.Snapshot();
        Assert.Equal(5, snapshot.WindowCalls);
        Assert.Equal(5, snapshot.WindowFailures);
        Assert.Equal(3, snapshot.WindowSlowCalls);
    }

    [Fact]
    public void Without_a_slow_call_duration_no_call_is_slow()
    {
        var breaker = Create(o => { o.SlowCallDuration = null; o.MinimumThroughput = 1; });

        Succeed(breaker, 20, TimeSpan.FromHours(1));

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(0, breaker.Snapshot().WindowSlowCalls);
        Assert.Empty(_transitions);
    }

    [Fact]
    public void Slow_calls_older_than_the_window_slide_out()
    {
        var breaker = Create(o =>
        {
            o.FailureThreshold = 0; o.FailureRatio = null; o.MinimumThroughput = 10;
            o.SlowCallDuration = TimeSpan.FromSeconds(1); o.SamplingWindow = TimeSpan.FromSeconds(10);
        });

        Succeed(breaker, 9, Slow);
        _time.Advance(TimeSpan.FromSeconds(10));
        Succeed(breaker, 1, Slow);

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(1, breaker.Snapshot().WindowSlowCalls);
    }

    // ----- open -----

    [Fact]
    public void An_open_breaker_rejects_until_the_reset_timeout_ends_then_the_next_call_moves_it_to_half_open()
    {
        var breaker = Create(o => o.ResetTimeout = TimeSpan.FromSeconds(30));
        var trippedAt = _time.GetUtcNow();
        Trip(breaker);

        _time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.False(breaker.IsCallPermitted);
        Assert.Equal(BreakerPermit.Rejected, breaker.TryAcquire());
        Assert.Equal(trippedAt + TimeSpan.FromSeconds(30), breaker.OpenUntil);
        Assert.Single(_transitions);

        _time.Advance(TimeSpan.FromTicks(1));

        // Reading changes nothing: the state, the permission, the snapshot and the board all still say open.
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.False(breaker.IsCallPermitted);
        Assert.Equal(BreakerState.Open, breaker.Snapshot().State);
        Assert.Equal(BreakerState.Open, breaker.Board.State);
        Assert.Single(_transitions);

        // A call does (Polly moves to half-open in its pre-execute step, not in a getter).
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        Assert.Equal(BreakerState.HalfOpen, breaker.Board.State);
        Assert.Null(breaker.OpenUntil);
        Assert.Equal(2, _transitions.Count);
        Assert.Equal(new BreakerTransition(BreakerState.Open, BreakerState.HalfOpen, "reset timeout ended"), _transitions[1]);
        Assert.Equal(_time.GetUtcNow(), breaker.LastTransitionAt);

        // Reading or refreshing again does not raise the transition again.
        _ = breaker.State;
        _ = breaker.IsCallPermitted;
        breaker.Refresh();
        Assert.Equal(2, _transitions.Count);
    }

    [Fact]
    public void Refresh_moves_an_expired_open_breaker_to_half_open_and_does_nothing_otherwise()
    {
        var breaker = Create();
        breaker.Refresh();
        Assert.Empty(_transitions);

        Trip(breaker);
        breaker.Refresh();
        Assert.Single(_transitions);

        _time.Advance(TimeSpan.FromSeconds(60));
        breaker.Refresh();

        Assert.Equal(2, _transitions.Count);
        Assert.Equal(BreakerState.HalfOpen, _transitions[1].To);
        breaker.Refresh();
        Assert.Equal(2, _transitions.Count);
    }

    [Fact]
    public void Outcomes_recorded_while_open_do_not_change_the_state()
    {
        var breaker = Create();
        Trip(breaker);
        var openUntil = breaker.OpenUntil;

        foreach (var permit in new[] { BreakerPermit.Allowed, BreakerPermit.Rejected, BreakerPermit.Probe })
        {
            breaker.RecordSuccess(Fast, permit);
            breaker.RecordFailure(Fast, permit);
            breaker.RecordSuccess(Slow, permit);
        }

        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.Equal(openUntil, breaker.OpenUntil);
        Assert.Single(_transitions);
        var snapshot = breaker.Snapshot();
        Assert.Equal((0, 0, 0), (snapshot.ConsecutiveFailures, snapshot.WindowCalls, snapshot.WindowFailures));
    }

    // ----- half-open -----

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Half_open_admits_exactly_the_configured_number_of_probes(int probes)
    {
        var breaker = Create(o => o.HalfOpenProbes = probes);
        Trip(breaker);
        WaitUntilHalfOpen(breaker);

        for (var i = 0; i < probes; i++)
        {
            Assert.True(breaker.IsCallPermitted);
            Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        }

        Assert.False(breaker.IsCallPermitted);
        Assert.Equal(BreakerPermit.Rejected, breaker.TryAcquire());
        Assert.Equal(BreakerPermit.Rejected, breaker.TryAcquire());
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
    }

    [Fact]
    public void One_successful_probe_closes_the_breaker_by_default()
    {
        var breaker = Create();
        Trip(breaker);
        WaitUntilHalfOpen(breaker);

        var permit = breaker.TryAcquire();
        Assert.Equal(BreakerPermit.Probe, permit);
        breaker.RecordSuccess(Fast, permit);

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.True(breaker.IsCallPermitted);
        Assert.Equal(BreakerPermit.Allowed, breaker.TryAcquire());
        Assert.Equal(3, _transitions.Count);
        Assert.Equal(new BreakerTransition(BreakerState.HalfOpen, BreakerState.Closed, "probe succeeded"), _transitions[2]);
        Assert.Equal(0, breaker.Snapshot().Trips);
    }

    [Fact]
    public void Half_open_closes_only_when_every_probe_succeeded()
    {
        var breaker = Create(o => o.HalfOpenProbes = 3);
        Trip(breaker);
        WaitUntilHalfOpen(breaker);

        var permits = Enumerable.Range(0, 3).Select(_ => breaker.TryAcquire()).ToList();
        Assert.All(permits, p => Assert.Equal(BreakerPermit.Probe, p));

        breaker.RecordSuccess(Fast, permits[0]);
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        breaker.RecordSuccess(Fast, permits[1]);
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        Assert.Equal(2, _transitions.Count);

        breaker.RecordSuccess(Fast, permits[2]);

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(3, _transitions.Count);
        Assert.Equal(new BreakerTransition(BreakerState.HalfOpen, BreakerState.Closed, "all 3 probes succeeded"), _transitions[2]);
    }

    [Fact]
    public void One_failing_probe_reopens_the_breaker_even_after_others_succeeded()
    {
        var breaker = Create(o => o.HalfOpenProbes = 3);
        Trip(breaker);
        WaitUntilHalfOpen(breaker);
        var p1 = breaker.TryAcquire();
        var p2 = breaker.TryAcquire();
        var p3 = breaker.TryAcquire();

        breaker.RecordSuccess(Fast, p1);
        var failedAt = _time.GetUtcNow();
        breaker.RecordFailure(Fast, p2);

        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.Equal(BreakerPermit.Rejected, breaker.TryAcquire());
        Assert.Equal(3, _transitions.Count);
        Assert.Equal(new BreakerTransition(BreakerState.HalfOpen, BreakerState.Open, "probe failed", TimeSpan.FromSeconds(60)), _transitions[2]);
        Assert.Equal(failedAt + TimeSpan.FromSeconds(60), breaker.OpenUntil);

        // The last probe finishing late, while open, changes nothing.
        breaker.RecordSuccess(Fast, p3);
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.Equal(3, _transitions.Count);
    }

    [Fact]
    public void A_slow_successful_probe_reopens_the_breaker()
    {
        var breaker = Create(o => o.SlowCallDuration = TimeSpan.FromSeconds(1));
        Trip(breaker);
        WaitUntilHalfOpen(breaker);

        breaker.RecordSuccess(TimeSpan.FromMilliseconds(1500), breaker.TryAcquire());

        Assert.Equal(BreakerState.Open, breaker.State);
        var t = _transitions[^1];
        Assert.Equal(BreakerState.HalfOpen, t.From);
        Assert.Equal(BreakerState.Open, t.To);
        Assert.Equal("probe succeeded but took 1500 ms, at least the slow-call duration", t.Reason);
        Assert.Equal(TimeSpan.FromSeconds(60), t.OpenFor);
    }

    [Fact]
    public void A_fast_enough_probe_closes_a_breaker_with_a_slow_call_duration()
    {
        var breaker = Create(o => o.SlowCallDuration = TimeSpan.FromSeconds(1));
        Trip(breaker);
        WaitUntilHalfOpen(breaker);

        breaker.RecordSuccess(TimeSpan.FromMilliseconds(999), breaker.TryAcquire());

        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    [Fact]
    public void ReleaseProbe_gives_back_a_probe_that_never_ran()
    {
        var breaker = Create(o => o.HalfOpenProbes = 1);
        Trip(breaker);
        WaitUntilHalfOpen(breaker);

        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        Assert.Equal(BreakerPermit.Rejected, breaker.TryAcquire());

        breaker.ReleaseProbe();

        Assert.True(breaker.IsCallPermitted);
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        Assert.Equal(BreakerPermit.Rejected, breaker.TryAcquire());
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        Assert.Equal(2, _transitions.Count);
    }

    [Fact]
    public void ReleaseProbe_without_a_probe_taken_does_not_make_room_for_an_extra_probe()
    {
        var breaker = Create(o => o.HalfOpenProbes = 2);
        Trip(breaker);
        WaitUntilHalfOpen(breaker);

        breaker.ReleaseProbe();
        breaker.ReleaseProbe();

        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        Assert.Equal(BreakerPermit.Rejected, breaker.TryAcquire());
    }

    [Fact]
    public void ReleaseProbe_while_closed_or_open_changes_nothing()
    {
        var breaker = Create();
        breaker.ReleaseProbe();
        Assert.Equal(BreakerState.Closed, breaker.State);

        Trip(breaker);
        breaker.ReleaseProbe();
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.Equal(BreakerPermit.Rejected, breaker.TryAcquire());
        Assert.Single(_transitions);
    }

    [Fact]
    public void Outcomes_of_non_probe_calls_finishing_while_half_open_do_not_change_the_state()
    {
        var breaker = Create(o => o.HalfOpenProbes = 2);
        Trip(breaker);
        WaitUntilHalfOpen(breaker);

        // Calls allowed while the breaker was still closed finish now.
        Fail(breaker, 10);
        Succeed(breaker, 10);
        breaker.RecordFailure(Fast, BreakerPermit.Rejected);
        breaker.RecordSuccess(Fast, BreakerPermit.Rejected);

        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        Assert.Equal(2, _transitions.Count);
        var snapshot = breaker.Snapshot();
        Assert.Equal((0, 0, 0), (snapshot.ConsecutiveFailures, snapshot.WindowCalls, snapshot.WindowFailures));

        // Both probes are still available, and no success was credited to them.
        var p1 = breaker.TryAcquire();
        var p2 = breaker.TryAcquire();
        Assert.Equal((BreakerPermit.Probe, BreakerPermit.Probe), (p1, p2));
        breaker.RecordSuccess(Fast, p1);
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        breaker.RecordSuccess(Fast, p2);
        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    [Fact]
    public void A_reopened_breaker_hands_out_probes_again_after_the_next_reset_timeout()
    {
        var breaker = Create(o => o.HalfOpenProbes = 2);
        Trip(breaker);
        WaitUntilHalfOpen(breaker);
        var p = breaker.TryAcquire();
        breaker.TryAcquire();
        breaker.RecordFailure(Fast, p);
        Assert.Equal(BreakerState.Open, breaker.State);

        WaitUntilHalfOpen(breaker);

        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());
        Assert.Equal(BreakerPermit.Rejected, breaker.TryAcquire());
    }

    // ----- reset timeout growth -----

    [Fact]
    public void Repeated_trips_grow_the_open_time_by_the_multiplier_up_to_the_maximum()
    {
        var breaker = Create(o =>
        {
            o.ResetTimeout = TimeSpan.FromSeconds(10);
            o.ResetTimeoutMultiplier = 2;
            o.MaxResetTimeout = TimeSpan.FromSeconds(35);
        });

        Trip(breaker);
        var expected = new[] { 10, 20, 35, 35 };
        for (var i = 1; i < expected.Length; i++)
        {
            WaitUntilHalfOpen(breaker);
            var failedAt = _time.GetUtcNow();
            breaker.RecordFailure(Fast, breaker.TryAcquire());
            Assert.Equal(failedAt + TimeSpan.FromSeconds(expected[i]), breaker.OpenUntil);
        }

        var opens = _transitions.Where(t => t.To == BreakerState.Open).Select(t => t.OpenFor).ToList();
        Assert.Equal(expected.Select(s => (TimeSpan?)TimeSpan.FromSeconds(s)), opens);
        Assert.Equal(4, breaker.Snapshot().Trips);
    }

    [Fact]
    public void The_open_time_waits_the_grown_timeout_before_half_open()
    {
        var breaker = Create(o =>
        {
            o.ResetTimeout = TimeSpan.FromSeconds(10);
            o.ResetTimeoutMultiplier = 3;
        });
        Trip(breaker);
        WaitUntilHalfOpen(breaker);
        breaker.RecordFailure(Fast, breaker.TryAcquire()); // second trip: 30 s

        _time.Advance(TimeSpan.FromSeconds(29));
        breaker.Refresh();
        Assert.Equal(BreakerState.Open, breaker.State);
        _time.Advance(TimeSpan.FromSeconds(1));
        breaker.Refresh();
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
    }

    [Fact]
    public void Without_a_multiplier_the_open_time_does_not_grow()
    {
        var breaker = Create();
        Trip(breaker);
        for (var i = 0; i < 3; i++)
        {
            WaitUntilHalfOpen(breaker);
            breaker.RecordFailure(Fast, breaker.TryAcquire());
        }

        Assert.All(_transitions.Where(t => t.To == BreakerState.Open), t => Assert.Equal(TimeSpan.FromSeconds(60), t.OpenFor));
        Assert.Equal(4, breaker.Snapshot().Trips);
    }

    [Fact]
    public void A_recovery_resets_the_growth_of_the_open_time()
    {
        var breaker = Create(o =>
        {
            o.ResetTimeout = TimeSpan.FromSeconds(10);
            o.ResetTimeoutMultiplier = 2;
            o.MaxResetTimeout = TimeSpan.FromMinutes(5);
        });
        Trip(breaker);
        WaitUntilHalfOpen(breaker);
        breaker.RecordFailure(Fast, breaker.TryAcquire()); // 20 s
        Assert.Equal(TimeSpan.FromSeconds(20), _transitions[^1].OpenFor);
        Assert.Equal(2, breaker.Snapshot().Trips);

        WaitUntilHalfOpen(breaker);
        breaker.RecordSuccess(Fast, breaker.TryAcquire());
        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(0, breaker.Snapshot().Trips);

        Trip(breaker);

        Assert.Equal(TimeSpan.FromSeconds(10), _transitions[^1].OpenFor);
        Assert.Equal(1, breaker.Snapshot().Trips);
    }

    // ----- isolate and reset -----

    [Fact]
    public void Isolate_keeps_the_breaker_open_past_the_reset_timeout_until_reset()
    {
        var breaker = Create();

        breaker.Isolate();

        Assert.Equal(BreakerState.Isolated, breaker.State);
        Assert.Equal(new BreakerTransition(BreakerState.Closed, BreakerState.Isolated, "isolated by hand"), Assert.Single(_transitions));
        Assert.False(breaker.IsCallPermitted);
        Assert.Equal(BreakerPermit.Rejected, breaker.TryAcquire());
        Assert.Null(breaker.OpenUntil);

        _time.Advance(TimeSpan.FromHours(5));
        breaker.Refresh();
        Assert.Equal(BreakerState.Isolated, breaker.State);
        Assert.Equal(BreakerPermit.Rejected, breaker.TryAcquire());

        // Outcomes of any kind do not end the isolation.
        breaker.RecordSuccess(Fast, BreakerPermit.Probe);
        breaker.RecordSuccess(Fast, BreakerPermit.Allowed);
        breaker.RecordFailure(Fast, BreakerPermit.Probe);
        Assert.Equal(BreakerState.Isolated, breaker.State);
        Assert.Single(_transitions);

        breaker.Reset();

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(BreakerPermit.Allowed, breaker.TryAcquire());
        Assert.Equal(2, _transitions.Count);
        Assert.Equal(new BreakerTransition(BreakerState.Isolated, BreakerState.Closed, "reset by hand"), _transitions[1]);
    }

    [Fact]
    public void Isolating_an_isolated_breaker_raises_nothing()
    {
        var breaker = Create();
        breaker.Isolate();
        breaker.Isolate();

        Assert.Single(_transitions);
    }

    [Fact]
    public void Isolating_an_open_breaker_moves_it_from_open_to_isolated()
    {
        var breaker = Create();
        Trip(breaker);

        breaker.Isolate();

        Assert.Equal(2, _transitions.Count);
        Assert.Equal(new BreakerTransition(BreakerState.Open, BreakerState.Isolated, "isolated by hand"), _transitions[1]);
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(BreakerState.Isolated, breaker.State);
    }

    [Fact]
    public void Isolating_a_half_open_breaker_drops_its_probes()
    {
        var breaker = Create();
        Trip(breaker);
        WaitUntilHalfOpen(breaker);
        var probe = breaker.TryAcquire();

        breaker.Isolate();
        breaker.RecordSuccess(Fast, probe);

        Assert.Equal(BreakerState.Isolated, breaker.State);
        Assert.Equal(new BreakerTransition(BreakerState.HalfOpen, BreakerState.Isolated, "isolated by hand"), _transitions[^1]);
    }

    [Fact]
    public void Reset_closes_an_open_breaker_and_clears_its_counts_and_trips()
    {
        var breaker = Create(o => { o.ResetTimeout = TimeSpan.FromSeconds(10); o.ResetTimeoutMultiplier = 2; });
        Trip(breaker);
        WaitUntilHalfOpen(breaker);
        breaker.RecordFailure(Fast, breaker.TryAcquire());
        Assert.Equal(2, breaker.Snapshot().Trips);
        var resetAt = _time.GetUtcNow() + TimeSpan.FromSeconds(1);
        _time.SetUtcNow(resetAt);

        breaker.Reset();

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(new BreakerTransition(BreakerState.Open, BreakerState.Closed, "reset by hand"), _transitions[^1]);
        Assert.Equal(new BreakerSnapshot(BreakerState.Closed, 0, 0, 0, 0, 0, null, resetAt), breaker.Snapshot());

        // The trip count restarted: the next trip opens for the base timeout again.
        Trip(breaker);
        Assert.Equal(TimeSpan.FromSeconds(10), _transitions[^1].OpenFor);
    }

    [Fact]
    public void Reset_of_a_closed_breaker_clears_its_counts_without_raising_a_transition()
    {
        var breaker = Create();
        Fail(breaker, 4);
        Succeed(breaker, 1, Slow);
        Fail(breaker, 3);

        breaker.Reset();

        Assert.Empty(_transitions);
        var snapshot = breaker.Snapshot();
        Assert.Equal((0, 0, 0, 0), (snapshot.ConsecutiveFailures, snapshot.WindowCalls, snapshot.WindowFailures, snapshot.WindowSlowCalls));

        Fail(breaker, 4);
        Assert.Equal(BreakerState.Closed, breaker.State);
        Fail(breaker);
        Assert.Equal(BreakerState.Open, breaker.State);
    }

    [Fact]
    public void Reset_of_a_half_open_breaker_closes_it()
    {
        var breaker = Create();
        Trip(breaker);
        WaitUntilHalfOpen(breaker);
        breaker.TryAcquire();

        breaker.Reset();

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(new BreakerTransition(BreakerState.HalfOpen, BreakerState.Closed, "reset by hand"), _transitions[^1]);
        Assert.Equal(BreakerPermit.Allowed, breaker.TryAcquire());
    }

    [Fact]
    public void Opening_clears_the_counts_so_a_recovered_breaker_starts_fresh()
    {
        var breaker = Create();
        Trip(breaker);
        Assert.Equal((0, 0, 0), (breaker.Snapshot().ConsecutiveFailures, breaker.Snapshot().WindowCalls, breaker.Snapshot().WindowFailures));
        WaitUntilHalfOpen(breaker);
        breaker.RecordSuccess(Fast, breaker.TryAcquire());

        Fail(breaker, 4);

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(4, breaker.Snapshot().WindowCalls); // the probe is not counted in the closed window
    }

    // ----- transitions -----

    [Fact]
    public void A_full_cycle_raises_each_transition_exactly_once_in_order()
    {
        var breaker = Create(o => { o.ResetTimeout = TimeSpan.FromSeconds(10); o.ResetTimeoutMultiplier = 2; });
        var t0 = _time.GetUtcNow();

        Trip(breaker);                                                   // Closed -> Open (10 s)
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(BreakerPermit.Probe, breaker.TryAcquire());          // Open -> HalfOpen
        breaker.RecordFailure(Fast, BreakerPermit.Probe);                 // HalfOpen -> Open (20 s)
        _time.Advance(TimeSpan.FromSeconds(20));
        breaker.RecordSuccess(Fast, breaker.TryAcquire());                // Open -> HalfOpen -> Closed
        breaker.Isolate();                                                // Closed -> Isolated
        breaker.Reset();                                                  // Isolated -> Closed

        Assert.Equal(
            [
                new BreakerTransition(BreakerState.Closed, BreakerState.Open, "5 consecutive failures", TimeSpan.FromSeconds(10)),
                new BreakerTransition(BreakerState.Open, BreakerState.HalfOpen, "reset timeout ended"),
                new BreakerTransition(BreakerState.HalfOpen, BreakerState.Open, "probe failed", TimeSpan.FromSeconds(20)),
                new BreakerTransition(BreakerState.Open, BreakerState.HalfOpen, "reset timeout ended"),
                new BreakerTransition(BreakerState.HalfOpen, BreakerState.Closed, "probe succeeded"),
                new BreakerTransition(BreakerState.Closed, BreakerState.Isolated, "isolated by hand"),
                new BreakerTransition(BreakerState.Isolated, BreakerState.Closed, "reset by hand"),
            ],
            _transitions);
        Assert.Equal(t0 + TimeSpan.FromSeconds(30), breaker.LastTransitionAt);
    }

    [Fact]
    public void Transitions_are_raised_synchronously_with_the_new_state_already_visible()
    {
        var breaker = Create();
        var seen = new List<BreakerState>();
        breaker.Transitioned = t => seen.Add(breaker.State);

        Trip(breaker);

        Assert.Equal([BreakerState.Open], seen);
    }

    [Fact]
    public void A_breaker_without_a_handler_works()
    {
        var breaker = new CircuitBreaker(new CircuitBreakerOptions(), _time);
        Trip(breaker);
        _time.Advance(TimeSpan.FromSeconds(60));
        breaker.RecordSuccess(Fast, breaker.TryAcquire());
        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    // ----- snapshot -----

    [Fact]
    public void Snapshot_of_a_closed_breaker_reports_its_counts()
    {
        var createdAt = _time.GetUtcNow();
        var breaker = Create(o => o.SlowCallDuration = TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        Succeed(breaker, 2);
        Succeed(breaker, 1, Slow);
        Fail(breaker, 2);
        Fail(breaker, 1, Slow);

        Assert.Equal(new BreakerSnapshot(BreakerState.Closed, 3, 6, 3, 2, 0, null, createdAt), breaker.Snapshot());
    }

    [Fact]
    public void Snapshot_of_an_open_breaker_reports_open_until_and_trips()
    {
        var breaker = Create();
        _time.Advance(TimeSpan.FromSeconds(3));
        var trippedAt = _time.GetUtcNow();
        Trip(breaker);
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(
            new BreakerSnapshot(BreakerState.Open, 0, 0, 0, 0, 1, trippedAt + TimeSpan.FromSeconds(60), trippedAt),
            breaker.Snapshot());
    }

    [Fact]
    public void Snapshot_of_an_expired_open_breaker_reports_it_open_until_its_timer_moves_it()
    {
        var breaker = Create();
        var openedAt = _time.GetUtcNow();
        Trip(breaker);
        _time.Advance(TimeSpan.FromSeconds(60));
        var now = _time.GetUtcNow();

        Assert.Equal(new BreakerSnapshot(BreakerState.Open, 0, 0, 0, 0, 1, now, openedAt), breaker.Snapshot());
        Assert.Single(_transitions);
        breaker.Refresh();
        Assert.Equal(new BreakerSnapshot(BreakerState.HalfOpen, 0, 0, 0, 0, 1, null, now), breaker.Snapshot());
        Assert.Equal(2, _transitions.Count);
    }

    [Fact]
    public void Snapshot_of_an_isolated_breaker()
    {
        var breaker = Create();
        Fail(breaker, 2);
        _time.Advance(TimeSpan.FromSeconds(1));
        breaker.Isolate();

        var snapshot = breaker.Snapshot();
        Assert.Equal(BreakerState.Isolated, snapshot.State);
        Assert.Null(snapshot.OpenUntil);
        Assert.Equal(0, snapshot.Trips);
        Assert.Equal(_time.GetUtcNow(), snapshot.LastTransitionAt);
    }

    // ----- a change of options at run time -----

    [Fact]
    public void New_thresholds_count_the_failures_and_the_window_already_seen()
    {
        var breaker = Create(o =>
        {
            o.FailureThreshold = 5;
            o.FailureRatio = null;
        });
        Fail(breaker, 3);
        breaker.Reconfigure(new CircuitBreakerOptions { FailureThreshold = 10, FailureRatio = 0.5, MinimumThroughput = 4 });
        Assert.Equal((BreakerState.Closed, 3, 3), (breaker.State, breaker.Snapshot().ConsecutiveFailures, breaker.Snapshot().WindowCalls));
        Fail(breaker); // the window's 4 calls, all failed: the new ratio rule opens it
        Assert.Equal(BreakerState.Open, breaker.State);
    }

    [Fact]
    public void The_same_sampling_window_keeps_its_counts_and_a_new_one_starts_empty()
    {
        var breaker = Create(o => o.FailureThreshold = 0);
        Succeed(breaker, 2);
        Fail(breaker);
        breaker.Reconfigure(new CircuitBreakerOptions { FailureThreshold = 0, SamplingWindow = TimeSpan.FromSeconds(30) });
        Assert.Equal((3, 1), (breaker.Snapshot().WindowCalls, breaker.Snapshot().WindowFailures));
        breaker.Reconfigure(new CircuitBreakerOptions { FailureThreshold = 0, SamplingWindow = TimeSpan.FromSeconds(60) });
        Assert.Equal((0, 0), (breaker.Snapshot().WindowCalls, breaker.Snapshot().WindowFailures));
        Assert.Equal(1, breaker.Snapshot().ConsecutiveFailures); // not the window's: kept
    }

    [Fact]
    public void An_open_breaker_keeps_its_end_and_the_next_opening_takes_the_new_reset_timeout()
    {
        var breaker = Create(o =>
        {
            o.FailureThreshold = 1;
            o.ResetTimeout = TimeSpan.FromSeconds(10);
        });
        Fail(breaker);
        var until = breaker.OpenUntil;
        breaker.Reconfigure(new CircuitBreakerOptions { FailureThreshold = 1, ResetTimeout = TimeSpan.FromSeconds(40) });
        Assert.Equal((BreakerState.Open, until), (breaker.State, breaker.OpenUntil));
        _time.Advance(TimeSpan.FromSeconds(10));
        breaker.Refresh();
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        breaker.RecordFailure(Fast, BreakerPermit.Probe, breaker.HalfOpenRound);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(40), breaker.OpenUntil);
        Assert.Throws<ArgumentNullException>(() => breaker.Reconfigure(null!));
    }
}
