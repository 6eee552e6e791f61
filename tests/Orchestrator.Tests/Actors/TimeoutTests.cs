using Akka.Actor;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Actors;

public sealed class TimeoutTests(ITestOutputHelper output) : ActorTestBase(output)
{
    [Fact]
    public void A_timeout_cancels_the_work_frees_its_slot_at_once_and_counts_as_a_failure()
    {
        var payments = Dependency("payments", o =>
        {
            o.Timeout = TimeSpan.FromSeconds(2);
            o.Bulkhead.MaxConcurrency = 1;
        });
        var started = new TaskCompletionSource();
        var cancelled = new TaskCompletionSource();
        payments.Tell(new GuardedCall<int>("payments", async ct =>
        {
            ct.Register(() => cancelled.TrySetResult());
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return 1;
        }) { ReplyTo = TestActor });
        Await(started.Task);

        Advance(TimeSpan.FromMilliseconds(1999));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Advance(TimeSpan.FromMilliseconds(1));

        var result = ExpectResult<int>();
        Assert.Equal(CallOutcome.Failed, result.Outcome);
        Assert.Equal(DegradationReason.Timeout, result.Reason);
        Assert.IsType<TimeoutException>(result.Error);
        Assert.Equal(TimeSpan.FromSeconds(2), result.Elapsed);
        Await(cancelled.Task);

        var status = StatusOf(payments);
        Assert.Equal(0, status.Bulkhead.InFlight);
        Assert.Equal(1, status.Breaker.ConsecutiveFailures);
        Assert.Equal(1, status.Calls.TimedOut);

        // The freed slot serves the next call straight away.
        payments.Tell(new GuardedCall<int>("payments", _ => Task.FromResult(2)) { ReplyTo = TestActor });
        Assert.Equal(2, ExpectResult<int>().Value);
    }

    [Fact]
    public void A_per_call_timeout_overrides_the_dependency_default_and_a_fallback_answers()
    {
        var payments = Dependency("payments", o => o.Timeout = TimeSpan.FromSeconds(30));
        var started = new TaskCompletionSource();
        payments.Tell(new GuardedCall<string>("payments", async ct =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return "late";
        })
        {
            Timeout = TimeSpan.FromMilliseconds(300),
            ReplyTo = TestActor,
            Fallback = (ctx, _) => Task.FromResult($"fallback after {ctx.Reason}"),
        });
        Await(started.Task);
        Advance(TimeSpan.FromMilliseconds(300));

        var result = ExpectResult<string>();
        Assert.Equal(CallOutcome.Fallback, result.Outcome);
        Assert.Equal("fallback after Timeout", result.Value);
    }

    [Fact]
    public void A_deadline_shorter_than_the_timeout_cuts_the_work_at_the_deadline_without_fallback()
    {
        var payments = Dependency("payments", o => o.Timeout = TimeSpan.FromSeconds(10));
        var started = new TaskCompletionSource();
        payments.Tell(new GuardedCall<int>("payments", async ct =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return 1;
        })
        {
            Deadline = Clock.Now + TimeSpan.FromMilliseconds(400),
            ReplyTo = TestActor,
            Fallback = (_, _) => Task.FromResult(0),
        });
        Await(started.Task);
        Advance(TimeSpan.FromMilliseconds(400));

        var result = ExpectResult<int>();
        Assert.Equal(CallOutcome.Failed, result.Outcome);
        Assert.Equal(DegradationReason.DeadlineExceeded, result.Reason);
    }

    [Fact]
    public void A_late_answer_after_the_timeout_is_dropped_and_the_caller_hears_once()
    {
        var payments = Dependency("payments", o => o.Timeout = TimeSpan.FromSeconds(1));
        var gate = new Gate();
        payments.Tell(new GuardedCall<int>("payments", _ => gate.Pass(5, CancellationToken.None)) { ReplyTo = TestActor });
        Await(gate.StartedAtLeast(1));
        Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DegradationReason.Timeout, ExpectResult<int>().Reason);

        gate.Open(); // the work ignores its token and finishes late
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, StatusOf(payments).Calls.Failed);
    }
}
