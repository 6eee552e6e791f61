using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Actors;

/// <summary>
/// While the breaker its actor published is open, a <see cref="DependencyHandle"/> answers calls on the sender's
/// side (no mailbox round trip); once the breaker's reset timeout has elapsed it sends them to the actor again,
/// so half-open probes still run.
/// </summary>
public sealed class BreakerFailFastTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private int _invocations;

    private DependencyHandle Handle(string name, Action<DependencyOptions> configure)
    {
        var options = new OrchestratorOptions { TimeProvider = Time }.AddDependency(name, configure).Validate();
        var supervisor = Sys.ActorOf(DependencySupervisor.Props(options), "dependencies");
        supervisor.Tell(GetDependencyDirectory.Instance, TestActor);
        return ExpectMsg<DependencyDirectory>().Handles[name];
    }

    private GuardedCall<int> Failing(string name) =>
        new(name, _ => { Interlocked.Increment(ref _invocations); throw new HttpRequestException("down"); });

    private GuardedCall<int> Working(string name) =>
        new(name, _ => { Interlocked.Increment(ref _invocations); return Task.FromResult(7); });

    private async Task OpenBreaker(DependencyHandle handle, int failures)
    {
        for (var i = 0; i < failures; i++)
            Assert.Equal(CallOutcome.Failed, (await handle.AskAsync(Failing(handle.Name), TimeSpan.FromSeconds(5))).Outcome);
        // The failures ran on this side and were told to the actor; it has moved the breaker once it answers a later message.
        StatusOf(handle.Actor);
        Assert.Equal(BreakerState.Open, handle.Breaker.State);
    }

    [Fact]
    public async Task An_open_breaker_is_answered_on_the_senders_side_with_the_fallback_or_a_rejection_and_still_counted()
    {
        var payments = Handle("payments", o =>
        {
            o.Breaker.FailureThreshold = 3;
            o.Breaker.ResetTimeout = TimeSpan.FromSeconds(30);
        });
        await OpenBreaker(payments, 3);
        var invoked = _invocations;

        // No actor could answer before the ask returns: a task completed at once was answered by the sender.
        var rejection = payments.AskAsync(Working("payments"), TimeSpan.FromSeconds(5));
        Assert.True(rejection.IsCompletedSuccessfully);
        var rejected = await rejection;
        Assert.Equal(CallOutcome.Rejected, rejected.Outcome);
        Assert.Equal(DegradationReason.BreakerOpen, rejected.Reason);
        Assert.Contains("open since", rejected.Detail);

        var fallback = await payments.AskAsync(Working("payments") with { Fallback = (ctx, _) => Task.FromResult(ctx.Reason == DegradationReason.BreakerOpen ? -1 : -2) },
            TimeSpan.FromSeconds(5));
        Assert.Equal(CallOutcome.Fallback, fallback.Outcome);
        Assert.Equal(-1, fallback.BoxedValue);
        Assert.Equal(FallbackSource.CallFallback, fallback.Source);

        payments.Tell(Working("payments"), TestActor);
        Assert.Equal(DegradationReason.BreakerOpen, ExpectResult<int>().Reason);

        Assert.Equal(invoked, _invocations);
        var status = StatusOf(payments.Actor);
        Assert.Equal(2, status.Calls.Rejected);
        Assert.Equal(1, status.Calls.Fallbacks);
        Assert.Equal(3, status.Calls.Failed);
    }

    [Fact]
    public async Task Once_the_reset_timeout_has_elapsed_the_call_goes_to_the_actor_and_runs_as_the_probe()
    {
        var payments = Handle("payments", o =>
        {
            o.Breaker.FailureThreshold = 3;
            o.Breaker.ResetTimeout = TimeSpan.FromSeconds(30);
        });
        await OpenBreaker(payments, 3);

        Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(DegradationReason.BreakerOpen, (await payments.AskAsync(Working("payments"), TimeSpan.FromSeconds(5))).Reason);

        Advance(TimeSpan.FromSeconds(1));
        var probe = await payments.AskAsync(Working("payments"), TimeSpan.FromSeconds(5));
        Assert.Equal(CallOutcome.Succeeded, probe.Outcome);
        Assert.Equal(7, probe.BoxedValue);
        Assert.Equal(BreakerState.Closed, StatusOf(payments.Actor).Breaker.State);
        Assert.Equal(BreakerState.Closed, payments.Breaker.State);
    }

    [Fact]
    public async Task A_grown_open_period_fails_fast_on_the_senders_side_for_all_of_it_then_a_probe_runs()
    {
        var payments = Handle("payments", o =>
        {
            o.Breaker.FailureThreshold = 3;
            o.Breaker.ResetTimeout = TimeSpan.FromSeconds(10);
            o.Breaker.ResetTimeoutMultiplier = 2;
        });
        await OpenBreaker(payments, 3);
        Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(CallOutcome.Failed, (await payments.AskAsync(Failing("payments"), TimeSpan.FromSeconds(5))).Outcome); // the probe fails: open 20 s
        StatusOf(payments.Actor);
        Assert.Equal(BreakerState.Open, payments.Breaker.State);

        var early = payments.AskAsync(Working("payments"), TimeSpan.FromSeconds(5));
        Assert.True(early.IsCompletedSuccessfully);
        Assert.Contains("open until", (await early).Detail);

        // Past the first reset timeout but inside the grown period: the board says until when, so the sender still answers.
        Advance(TimeSpan.FromSeconds(10));
        var late = payments.AskAsync(Working("payments"), TimeSpan.FromSeconds(5));
        Assert.True(late.IsCompletedSuccessfully);
        Assert.Equal(DegradationReason.BreakerOpen, (await late).Reason);

        Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(CallOutcome.Succeeded, (await payments.AskAsync(Working("payments"), TimeSpan.FromSeconds(5))).Outcome);
    }

    [Fact]
    public async Task An_isolated_breaker_is_answered_on_the_senders_side_until_reset()
    {
        var payments = Handle("payments", _ => { });
        payments.Actor.Tell(new IsolateBreaker("payments"), TestActor);
        ExpectMsg<BreakerCommandAccepted>();
        Advance(TimeSpan.FromHours(1));

        var isolated = payments.AskAsync(Working("payments"), TimeSpan.FromSeconds(5));
        Assert.True(isolated.IsCompletedSuccessfully);
        Assert.Contains("isolated by hand", (await isolated).Detail);

        payments.Actor.Tell(new ResetBreaker("payments"), TestActor);
        ExpectMsg<BreakerCommandAccepted>();
        Assert.Equal(CallOutcome.Succeeded, (await payments.AskAsync(Working("payments"), TimeSpan.FromSeconds(5))).Outcome);
    }

    [Fact]
    public async Task With_a_cache_the_open_breaker_is_left_to_the_actor_so_a_stale_entry_still_answers()
    {
        var payments = Handle("payments", o =>
        {
            o.Breaker.FailureThreshold = 3;
            o.Cache.Enabled = true;
            o.Cache.FreshFor = TimeSpan.FromSeconds(1);
        });
        Assert.True((await payments.AskAsync(Working("payments") with { Key = "k" }, TimeSpan.FromSeconds(5))).Outcome == CallOutcome.Succeeded);
        Advance(TimeSpan.FromSeconds(2));
        for (var i = 0; i < 3; i++) await payments.AskAsync(Failing("payments") with { Key = $"other{i}" }, TimeSpan.FromSeconds(5));
        Assert.Equal(BreakerState.Open, payments.Breaker.State);

        var stale = await payments.AskAsync(Working("payments") with { Key = "k" }, TimeSpan.FromSeconds(5));
        Assert.Equal(7, stale.BoxedValue);
        Assert.Equal(ValueFreshness.Stale, stale.Freshness);
    }
}
