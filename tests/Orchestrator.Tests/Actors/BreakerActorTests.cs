using Akka.Actor;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Actors;

public sealed class BreakerActorTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private int _invocations;

    private GuardedCall<int> Failing(string name) =>
        new GuardedCall<int>(name, _ => { Interlocked.Increment(ref _invocations); throw new HttpRequestException("down"); }) { ReplyTo = TestActor };

    private GuardedCall<int> Working(string name) =>
        new GuardedCall<int>(name, _ => { Interlocked.Increment(ref _invocations); return Task.FromResult(7); }) { ReplyTo = TestActor };

    private void FailTimes(IActorRef dependency, string name, int times)
    {
        for (var i = 0; i < times; i++)
        {
            dependency.Tell(Failing(name));
            ExpectResult<int>();
        }
    }

    [Fact]
    public void Five_consecutive_failures_open_the_breaker_and_then_calls_fail_fast_without_running()
    {
        var inventory = Dependency("inventory");
        FailTimes(inventory, "inventory", 5);
        Assert.Equal(BreakerState.Open, StatusOf(inventory).Breaker.State);

        var before = _invocations;
        inventory.Tell(Working("inventory") with { Fallback = (_, _) => Task.FromResult(-1) });
        var result = ExpectResult<int>();
        Assert.Equal(CallOutcome.Fallback, result.Outcome);
        Assert.Equal(DegradationReason.BreakerOpen, result.Reason);
        Assert.Equal(0, result.Attempts);
        Assert.Equal(before, _invocations);

        inventory.Tell(Working("inventory"));
        var rejected = ExpectResult<int>();
        Assert.Equal(CallOutcome.Rejected, rejected.Outcome);
        Assert.Equal(DegradationReason.BreakerOpen, rejected.Reason);
        Assert.Contains("open until", rejected.Detail);
    }

    [Fact]
    public void After_the_reset_timeout_one_probe_runs_and_its_success_closes_the_breaker()
    {
        var inventory = Dependency("inventory", o => o.Breaker.ResetTimeout = TimeSpan.FromSeconds(30));
        FailTimes(inventory, "inventory", 5);

        Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(BreakerState.Open, StatusOf(inventory).Breaker.State);
        Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(BreakerState.HalfOpen, StatusOf(inventory).Breaker.State);

        inventory.Tell(Working("inventory"));
        Assert.True(ExpectResult<int>().IsSuccess);
        Assert.Equal(BreakerState.Closed, StatusOf(inventory).Breaker.State);
    }

    [Fact]
    public void Half_open_admits_only_the_configured_probes_and_a_failed_probe_reopens_with_a_longer_timeout()
    {
        var inventory = Dependency("inventory", o =>
        {
            o.Breaker.ResetTimeout = TimeSpan.FromSeconds(10);
            o.Breaker.ResetTimeoutMultiplier = 2;
            o.Breaker.MaxResetTimeout = TimeSpan.FromSeconds(30);
            o.Breaker.HalfOpenProbes = 1;
        });
        FailTimes(inventory, "inventory", 5);
        Advance(TimeSpan.FromSeconds(10));

        var gate = new Gate();
        inventory.Tell(new GuardedCall<int>("inventory", ct => gate.Pass(0, ct).ContinueWith<int>(_ => throw new HttpRequestException("still down"))) { ReplyTo = TestActor });
        Await(gate.StartedAtLeast(1));

        // The probe is out: the next call is not a probe and fails fast.
        inventory.Tell(Working("inventory"));
        Assert.Equal(DegradationReason.BreakerOpen, ExpectResult<int>().Reason);

        gate.Open();
        Assert.Equal(CallOutcome.Failed, ExpectResult<int>().Outcome);
        var status = StatusOf(inventory).Breaker;
        Assert.Equal(BreakerState.Open, status.State);
        Assert.Equal(2, status.Trips);
        Assert.Equal(Clock.Now + TimeSpan.FromSeconds(20), status.OpenUntil);

        // Third trip: 40 s capped at 30 s.
        Advance(TimeSpan.FromSeconds(20));
        FailTimes(inventory, "inventory", 1);
        Assert.Equal(Clock.Now + TimeSpan.FromSeconds(30), StatusOf(inventory).Breaker.OpenUntil);
    }

    [Fact]
    public void Isolate_holds_the_breaker_open_past_the_reset_timeout_until_reset()
    {
        var payments = Dependency("payments", o => o.Breaker.ResetTimeout = TimeSpan.FromSeconds(5));
        payments.Tell(new IsolateBreaker("payments"), TestActor);
        Assert.Equal(BreakerState.Isolated, ExpectMsg<BreakerCommandAccepted>().State);

        Advance(TimeSpan.FromMinutes(5));
        payments.Tell(Working("payments"));
        var rejected = ExpectResult<int>();
        Assert.Equal(DegradationReason.BreakerOpen, rejected.Reason);
        Assert.Contains("isolated", rejected.Detail);

        payments.Tell(new ResetBreaker("payments"), TestActor);
        Assert.Equal(BreakerState.Closed, ExpectMsg<BreakerCommandAccepted>().State);
        payments.Tell(Working("payments"));
        Assert.True(ExpectResult<int>().IsSuccess);
    }

    [Fact]
    public void The_failure_ratio_over_the_window_opens_the_breaker_once_minimum_throughput_is_reached()
    {
        var reviews = Dependency("reviews", o =>
        {
            o.Breaker.FailureThreshold = 0;
            o.Breaker.FailureRatio = 0.5;
            o.Breaker.MinimumThroughput = 10;
        });
        for (var i = 0; i < 9; i++)
        {
            reviews.Tell(i % 2 == 0 ? Failing("reviews") : Working("reviews"));
            ExpectResult<int>();
        }
        Assert.Equal(BreakerState.Closed, StatusOf(reviews).Breaker.State); // 5 of 9 failed, but 9 < 10 calls
        reviews.Tell(Working("reviews"));
        ExpectResult<int>();
        Assert.Equal(BreakerState.Open, StatusOf(reviews).Breaker.State);  // 5 of 10
    }

    [Fact]
    public void Slow_calls_open_the_breaker_by_the_slow_call_ratio()
    {
        var reviews = Dependency("reviews", o =>
        {
            o.Breaker.FailureThreshold = 0;
            o.Breaker.FailureRatio = null;
            o.Breaker.SlowCallDuration = TimeSpan.FromMilliseconds(500);
            o.Breaker.SlowCallRatio = 0.5;
            o.Breaker.MinimumThroughput = 2;
            o.Timeout = TimeSpan.FromSeconds(10);
        });
        for (var i = 0; i < 2; i++)
        {
            var gate = new Gate();
            reviews.Tell(new GuardedCall<int>("reviews", ct => gate.Pass(1, ct)) { ReplyTo = TestActor });
            Await(gate.StartedAtLeast(1));
            Advance(TimeSpan.FromMilliseconds(600)); // the call takes 600 ms of virtual time
            gate.Open();
            Assert.True(ExpectResult<int>().IsSuccess);
        }
        var status = StatusOf(reviews).Breaker;
        Assert.Equal(BreakerState.Open, status.State);
    }
}
