using Akka.Actor;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Actors;

/// <summary>
/// A dependency's options changed while it runs (<see cref="ChangeDependencyOptions"/>): the timeout, the breaker's
/// thresholds and the bulkhead's sizes take effect on the next call, the breaker's state kept; an invalid change is
/// refused with the named errors of start-up and nothing changes; what cannot change at run time is kept out and
/// named. Virtual time.
/// </summary>
public sealed class OptionsChangeTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private IActorRef _supervisor = ActorRefs.Nobody;

    private DependencyHandle Payments(Action<DependencyOptions>? configure = null)
    {
        var directory = SuperviseDependencies(options => options.AddDependency("payments", configure));
        _supervisor = directory.Supervisor;
        return directory.Handles["payments"];
    }

    private OptionsChangeResult Change(Action<DependencyOptions> change, string dependency = "payments")
    {
        _supervisor.Tell(new ChangeDependencyOptions(dependency, change), TestActor);
        return ExpectMsg<OptionsChangeResult>();
    }

    private static GuardedCall<int> Failing() => new("payments", _ => throw new HttpRequestException("down"));

    [Fact]
    public async Task A_shorter_timeout_cuts_the_next_call_while_a_call_already_running_keeps_its_own()
    {
        var payments = Payments(o => o.Timeout = TimeSpan.FromSeconds(10));
        var gate = new Gate(); // never opened: each call runs into its timeout
        var before = payments.CallAsync(new GuardedCall<int>("payments", ct => gate.Pass(1, ct))).AsTask();

        var result = Change(o => o.Timeout = TimeSpan.FromSeconds(1));
        Assert.True(result.Accepted);
        Assert.Equal(["Timeout"], result.Applied);
        var after = payments.CallAsync(new GuardedCall<int>("payments", ct => gate.Pass(2, ct))).AsTask();

        Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DegradationReason.Timeout, (await after.WaitAsync(EventLimit)).Reason);
        Assert.False(before.IsCompleted); // its 10 s were set when it started
        Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(DegradationReason.Timeout, (await before.WaitAsync(EventLimit)).Reason);
        Assert.Equal(TimeSpan.FromSeconds(1), StatusOf(payments.Actor).DefaultTimeout);
    }

    [Fact]
    public async Task A_lower_failure_threshold_counts_the_failures_in_a_row_already_seen()
    {
        var payments = Payments(o => o.Breaker.FailureThreshold = 5);
        await payments.CallAsync(Failing());
        await payments.CallAsync(Failing());
        Assert.Equal((BreakerState.Closed, 2), (StatusOf(payments.Actor).Breaker.State, StatusOf(payments.Actor).Breaker.ConsecutiveFailures));

        Assert.Equal(["Breaker:FailureThreshold"], Change(o => o.Breaker.FailureThreshold = 3).Applied);
        Assert.Equal(2, StatusOf(payments.Actor).Breaker.ConsecutiveFailures); // the count is kept
        await payments.CallAsync(Failing());
        Assert.Equal(BreakerState.Open, StatusOf(payments.Actor).Breaker.State);
    }

    [Fact]
    public async Task An_open_breaker_stays_open_through_a_change_and_its_period_keeps_its_end()
    {
        var payments = Payments(o =>
        {
            o.Breaker.FailureThreshold = 1;
            o.Breaker.ResetTimeout = TimeSpan.FromSeconds(10);
        });
        await payments.CallAsync(Failing());
        var opened = StatusOf(payments.Actor).Breaker;
        Assert.Equal(BreakerState.Open, opened.State);

        Assert.Equal(["Breaker:ResetTimeout"], Change(o => o.Breaker.ResetTimeout = TimeSpan.FromSeconds(60)).Applied);
        var kept = StatusOf(payments.Actor).Breaker;
        Assert.Equal((BreakerState.Open, opened.OpenUntil, opened.Trips), (kept.State, kept.OpenUntil, kept.Trips));
        var turnedAway = await payments.CallAsync(new GuardedCall<int>("payments", _ => Task.FromResult(1)));
        Assert.Equal(DegradationReason.BreakerOpen, turnedAway.Reason);

        Advance(TimeSpan.FromSeconds(10)); // the period set before the change ends: half-open
        AwaitCondition(() => payments.Breaker.State == BreakerState.HalfOpen, EventLimit, TimeSpan.FromMilliseconds(20));
        await payments.CallAsync(Failing()); // the probe fails: the next opening takes the new reset timeout
        var reopened = StatusOf(payments.Actor).Breaker;
        Assert.Equal((BreakerState.Open, Clock.Now + TimeSpan.FromSeconds(60)), (reopened.State, reopened.OpenUntil));
    }

    [Fact]
    public async Task More_probes_set_during_a_half_open_round_apply_to_the_next_round_and_the_breaker_closes()
    {
        var payments = Payments(o =>
        {
            o.Breaker.FailureThreshold = 1;
            o.Breaker.ResetTimeout = TimeSpan.FromSeconds(10);
        });
        await payments.CallAsync(Failing());
        Settle(payments.Actor); // the failure reached the breaker: its timer is set
        Advance(TimeSpan.FromSeconds(10));
        AwaitCondition(() => payments.Breaker.State == BreakerState.HalfOpen, EventLimit, TimeSpan.FromMilliseconds(20)); // a round of one probe

        Assert.Equal(["Breaker:HalfOpenProbes"], Change(o => o.Breaker.HalfOpenProbes = 3).Applied);
        Assert.Equal(1, (await payments.CallAsync(new GuardedCall<int>("payments", _ => Task.FromResult(1)))).Value); // the round's one probe
        Assert.Equal(BreakerState.Closed, StatusOf(payments.Actor).Breaker.State); // not waiting for three probes that never come

        await payments.CallAsync(Failing()); // the next round has three
        Settle(payments.Actor);
        Advance(TimeSpan.FromSeconds(10));
        AwaitCondition(() => payments.Breaker.State == BreakerState.HalfOpen, EventLimit, TimeSpan.FromMilliseconds(20));
        Assert.Equal(3, payments.Breaker.ProbesLeft);
    }

    [Fact]
    public async Task A_larger_bulkhead_starts_the_queued_calls_and_lets_the_next_call_in()
    {
        var payments = Payments(o =>
        {
            o.Bulkhead.MaxConcurrency = 1;
            o.Bulkhead.QueueCapacity = 1;
        });
        var gate = new Gate();
        var calls = new List<Task<CallResult<int>>> { payments.CallAsync(new GuardedCall<int>("payments", ct => gate.Pass(1, ct))).AsTask() };
        calls.Add(payments.CallAsync(new GuardedCall<int>("payments", ct => gate.Pass(2, ct))).AsTask()); // queued in the actor
        AwaitCondition(() => StatusOf(payments.Actor).Bulkhead.Queued == 1, EventLimit, TimeSpan.FromMilliseconds(20));
        var full = await payments.CallAsync(new GuardedCall<int>("payments", ct => gate.Pass(3, ct)));
        Assert.Equal(DegradationReason.BulkheadFull, full.Reason);

        var result = Change(o =>
        {
            o.Bulkhead.MaxConcurrency = 3;
            o.Bulkhead.QueueCapacity = 2;
        });
        Assert.Equal(["Bulkhead:MaxConcurrency", "Bulkhead:QueueCapacity"], result.Applied);
        Await(gate.StartedAtLeast(2)); // the queued call started at once
        calls.Add(payments.CallAsync(new GuardedCall<int>("payments", ct => gate.Pass(4, ct))).AsTask());
        Await(gate.StartedAtLeast(3));
        var status = StatusOf(payments.Actor).Bulkhead;
        Assert.Equal((3, 2, 3, 0), (status.MaxConcurrency, status.QueueCapacity, status.InFlight, status.Queued));
        Assert.Equal(3 + 2, payments.Gate.Capacity);

        gate.Open();
        Assert.Equal([1, 2, 4], (await Task.WhenAll(calls).WaitAsync(EventLimit)).Select(r => r.Value));
    }

    [Fact]
    public async Task A_smaller_bulkhead_lets_the_running_calls_finish_and_no_new_one_start_until_fewer_run()
    {
        var payments = Payments(o =>
        {
            o.Bulkhead.MaxConcurrency = 2;
            o.Bulkhead.QueueCapacity = 5; // room in the gate: what holds the third call back is the running places
        });
        var first = new Gate();
        var second = new Gate();
        var third = new Gate();
        var running = new[]
        {
            payments.CallAsync(new GuardedCall<int>("payments", ct => first.Pass(1, ct))).AsTask(),
            payments.CallAsync(new GuardedCall<int>("payments", ct => second.Pass(2, ct))).AsTask(),
        };
        Assert.Equal(["Bulkhead:MaxConcurrency"], Change(o => o.Bulkhead.MaxConcurrency = 1).Applied);

        var queued = payments.CallAsync(new GuardedCall<int>("payments", ct => third.Pass(3, ct))).AsTask();
        AwaitCondition(() => StatusOf(payments.Actor).Bulkhead.Queued == 1, EventLimit, TimeSpan.FromMilliseconds(20));
        Assert.Equal(2, StatusOf(payments.Actor).Bulkhead.InFlight); // both kept their places
        first.Open();
        Assert.Equal(1, (await running[0].WaitAsync(EventLimit)).Value);
        var between = StatusOf(payments.Actor).Bulkhead;
        Assert.Equal((1, 1, 0), (between.InFlight, between.Queued, third.Started)); // one runs: the new limit, so the third still waits

        second.Open();
        Assert.Equal(2, (await running[1].WaitAsync(EventLimit)).Value);
        Await(third.StartedAtLeast(1));
        third.Open();
        Assert.Equal(3, (await queued.WaitAsync(EventLimit)).Value);
    }

    [Fact]
    public async Task An_invalid_change_is_refused_with_the_errors_of_start_up_and_nothing_changes()
    {
        var payments = Payments(o =>
        {
            o.Timeout = TimeSpan.FromSeconds(2);
            o.Breaker.FailureThreshold = 2;
        });
        var result = Change(o =>
        {
            o.Timeout = TimeSpan.FromSeconds(3); // valid, but the change is refused whole
            o.Breaker.FailureThreshold = -1;
            o.Bulkhead.MaxConcurrency = 0;
        });
        Assert.False(result.Accepted);
        Assert.Empty(result.Applied);
        Assert.Equal(
        [
            "Orchestrator:Dependencies:payments:Breaker:FailureThreshold must be 0 (off) or more, not -1.",
            "Orchestrator:Dependencies:payments:Bulkhead:MaxConcurrency must be at least 1, not 0.",
        ], result.Refused);

        var status = StatusOf(payments.Actor);
        Assert.Equal((TimeSpan.FromSeconds(2), 10), (status.DefaultTimeout, status.Bulkhead.MaxConcurrency));
        Assert.Equal(result, status.LastOptionsChange);
        await payments.CallAsync(Failing());
        await payments.CallAsync(Failing());
        Assert.Equal(BreakerState.Open, StatusOf(payments.Actor).Breaker.State); // the threshold in force is still 2
    }

    [Fact]
    public void A_change_that_throws_is_refused_with_its_message()
    {
        var payments = Payments();
        var result = Change(_ => throw new FormatException("'abc' is not a number"));
        Assert.Equal(["Orchestrator:Dependencies:payments: the change failed with FormatException: 'abc' is not a number"], result.Refused);
        Assert.Equal(TimeSpan.FromSeconds(5), payments.Options.Timeout);
    }

    [Fact]
    public void What_is_made_at_start_up_waits_for_a_restart_and_the_rest_of_the_change_is_taken()
    {
        var payments = Payments();
        var result = Change(o =>
        {
            o.Cache.Enabled = true;
            o.RateLimit.PermitsPerPeriod = 5;
            o.Bulkhead.DedicatedThreads = 2;
            o.Retry.MaxAttempts = 3;
        });
        Assert.True(result.Accepted);
        Assert.Equal(["Retry:MaxAttempts"], result.Applied);
        Assert.Equal(["Bulkhead:DedicatedThreads", "RateLimit:PermitsPerPeriod", "Cache:Enabled"], result.NeedsRestart);
        Assert.Equal((3, false, 0, (int?)null),
            (payments.Options.Retry.MaxAttempts, payments.Options.Cache.Enabled, payments.Options.RateLimit.PermitsPerPeriod, payments.Options.Bulkhead.DedicatedThreads));
        Assert.Null(payments.Cache);
        Assert.NotNull(StatusOf(payments.Actor).Retry); // it retries now: the status shows the retries
    }

    [Fact]
    public void A_change_that_changes_nothing_is_taken_and_says_so()
    {
        var payments = Payments(o => o.Timeout = TimeSpan.FromSeconds(2));
        var before = payments.Options;
        var result = Change(o => o.Timeout = TimeSpan.FromSeconds(2));
        Assert.Equal((true, 0, 0), (result.Accepted, result.Applied.Count, result.NeedsRestart.Count));
        Assert.Same(before, payments.Options);
    }

    [Fact]
    public void A_change_for_an_unknown_dependency_names_the_declared_ones()
    {
        Payments();
        _supervisor.Tell(new ChangeDependencyOptions("paymnets", o => o.Timeout = TimeSpan.FromSeconds(1)), TestActor);
        Assert.Equal("No dependency named 'paymnets' is declared. Declared: payments.", ExpectMsg<UnknownDependency>().Message);
    }

    [Fact]
    public void The_options_in_force_are_frozen_and_those_before_stay_as_they_were()
    {
        var payments = Payments(o => o.Timeout = TimeSpan.FromSeconds(2));
        var before = payments.Options;
        Change(o => o.Timeout = TimeSpan.FromSeconds(4));
        Assert.Equal(TimeSpan.FromSeconds(2), before.Timeout);
        Assert.True(payments.Options.IsFrozen);
        Assert.Throws<InvalidOperationException>(() => payments.Options.Timeout = TimeSpan.FromSeconds(9));
    }
}
