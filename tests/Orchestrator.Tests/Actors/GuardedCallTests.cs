using Akka.Actor;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Actors;

public sealed class GuardedCallTests(ITestOutputHelper output) : ActorTestBase(output)
{
    [Fact]
    public void Tell_answers_the_sender_with_the_primary_value()
    {
        var payments = Dependency("payments");
        payments.Tell(new GuardedCall<int>("payments", _ => Task.FromResult(42)), TestActor);

        var result = ExpectResult<int>();
        Assert.Equal(CallOutcome.Succeeded, result.Outcome);
        Assert.Equal(42, result.Value);
        Assert.Equal(DegradationReason.None, result.Reason);
        Assert.Equal(1, result.Attempts);
        Assert.Equal("payments", result.Dependency);
    }

    [Fact]
    public void Tell_with_reply_to_answers_that_actor_not_the_sender()
    {
        var payments = Dependency("payments");
        var other = CreateTestProbe();
        payments.Tell(new GuardedCall<string>("payments", _ => Task.FromResult("ok")) { ReplyTo = other }, TestActor);

        Assert.Equal("ok", ExpectResult<string>(other).Value);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Ask_gets_the_typed_result()
    {
        var payments = Dependency("payments");
        // Ask's own timeout runs on the (virtual) scheduler, so it cannot fire here: the actor must answer by itself.
        var result = await payments.Ask<CallResult<string>>(new GuardedCall<string>("payments", _ => Task.FromResult("paid")))
            .WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(result.IsSuccess);
        Assert.Equal("paid", result.Value);
    }

    [Fact]
    public void An_exception_from_the_work_is_an_outcome_not_a_crash()
    {
        var payments = Dependency("payments");
        payments.Tell(new GuardedCall<int>("payments", _ => throw new InvalidOperationException("card declined")), TestActor);

        var result = ExpectResult<int>();
        Assert.Equal(CallOutcome.Failed, result.Outcome);
        Assert.Equal(DegradationReason.Error, result.Reason);
        Assert.IsType<InvalidOperationException>(result.Error);
        Assert.Contains("card declined", result.Detail);

        // The actor is still there and still serves.
        payments.Tell(new GuardedCall<int>("payments", _ => Task.FromResult(1)), TestActor);
        Assert.True(ExpectResult<int>().IsSuccess);
    }

    [Fact]
    public void Work_that_blocks_synchronously_does_not_block_the_actor()
    {
        var payments = Dependency("payments", o => o.Bulkhead.MaxConcurrency = 2);
        using var release = new ManualResetEventSlim();
        payments.Tell(new GuardedCall<int>("payments", _ =>
        {
            release.Wait(TimeSpan.FromSeconds(10)); // synchronous blocking before the first await
            return Task.FromResult(1);
        }), TestActor);

        // While that work blocks its thread, the actor still answers.
        payments.Tell(GetStatus.All, TestActor);
        Assert.Equal(1, ExpectMsg<DependencyStatus>().Bulkhead.InFlight);
        release.Set();
        Assert.True(ExpectResult<int>().IsSuccess);
    }

    [Fact]
    public void A_call_fallback_answers_when_the_work_fails_and_the_result_says_so()
    {
        var recommendations = Dependency("recommendations");
        FallbackContext? seen = null;
        recommendations.Tell(new GuardedCall<string[]>("recommendations", _ => throw new HttpRequestException("503"))
        {
            Fallback = (context, _) =>
            {
                seen = context;
                return Task.FromResult(new[] { "popular-1", "popular-2" });
            },
        }, TestActor);

        var result = ExpectResult<string[]>();
        Assert.Equal(CallOutcome.Fallback, result.Outcome);
        Assert.Equal(FallbackSource.CallFallback, result.Source);
        Assert.Equal(DegradationReason.Error, result.Reason);
        Assert.Equal(["popular-1", "popular-2"], result.Value!);
        Assert.True(result.HasValue);
        Assert.Equal(DegradationReason.Error, seen!.Reason);
        Assert.IsType<HttpRequestException>(seen.Error);
    }

    [Fact]
    public void A_fallback_that_throws_gives_a_failure_naming_both_problems()
    {
        var recommendations = Dependency("recommendations");
        recommendations.Tell(new GuardedCall<int>("recommendations", _ => throw new HttpRequestException("primary down"))
        {
            Fallback = (_, _) => throw new InvalidOperationException("cache down too"),
        }, TestActor);

        var result = ExpectResult<int>();
        Assert.Equal(CallOutcome.Failed, result.Outcome);
        Assert.Equal(DegradationReason.Error, result.Reason);
        Assert.Contains("primary down", result.Detail);
        Assert.Contains("cache down too", result.Detail);
    }

    [Fact]
    public void The_dependency_default_answers_a_call_without_its_own_fallback_when_the_type_fits()
    {
        var reviews = Dependency("reviews", o => o.DefaultFallback = "no reviews yet");
        reviews.Tell(new GuardedCall<string>("reviews", _ => throw new HttpRequestException("down")), TestActor);
        var fitting = ExpectResult<string>();
        Assert.Equal(CallOutcome.Fallback, fitting.Outcome);
        Assert.Equal(FallbackSource.DependencyDefault, fitting.Source);
        Assert.Equal("no reviews yet", fitting.Value);

        reviews.Tell(new GuardedCall<int>("reviews", _ => throw new HttpRequestException("down")), TestActor);
        Assert.Equal(CallOutcome.Failed, ExpectResult<int>().Outcome);
    }

    [Fact]
    public void Ignored_exceptions_are_refused_without_fallback_or_breaker_count()
    {
        var payments = Dependency("payments", o =>
        {
            o.Breaker.FailureThreshold = 1;
            o.Breaker.IgnoredExceptions.Add(typeof(ArgumentException).FullName!);
        });
        payments.Tell(new GuardedCall<int>("payments", _ => throw new ArgumentOutOfRangeException("amount"))
        {
            Fallback = (_, _) => Task.FromResult(-1),
        }, TestActor);

        var result = ExpectResult<int>();
        Assert.Equal(CallOutcome.Refused, result.Outcome);
        Assert.IsType<ArgumentOutOfRangeException>(result.Error);
        Assert.Equal((null, result.Error!.Message), (result.Refusal!.Status, result.Refusal.Message));
        Assert.Equal(0, result.Value); // no fallback: the refusal is the caller's answer
        var status = StatusOf(payments);
        Assert.Equal(BreakerState.Closed, status.Breaker.State);
        Assert.Equal((1L, 0L), (status.Calls.Refused, status.Calls.Failed));
    }

    [Fact]
    public void An_ignored_exception_does_not_reset_the_count_of_failures_in_a_row()
    {
        var payments = Dependency("payments", o =>
        {
            o.Breaker.FailureThreshold = 3;
            o.Breaker.IgnoredExceptions.Add(typeof(ArgumentException).FullName!);
        });
        foreach (var error in new Exception[] { new HttpRequestException("1"), new HttpRequestException("2"), new ArgumentException("caller"), new HttpRequestException("3") })
        {
            payments.Tell(new GuardedCall<int>("payments", _ => throw error), TestActor);
            ExpectResult<int>();
        }
        Assert.Equal(BreakerState.Open, StatusOf(payments).Breaker.State);
    }

    [Fact]
    public void A_deadline_already_past_is_rejected_without_running_the_work()
    {
        var payments = Dependency("payments");
        var ran = false;
        payments.Tell(new GuardedCall<int>("payments", _ => { ran = true; return Task.FromResult(1); })
        {
            Deadline = Clock.Now - TimeSpan.FromMilliseconds(1),
            Fallback = (_, _) => Task.FromResult(0),
        }, TestActor);

        var result = ExpectResult<int>();
        Assert.Equal(CallOutcome.Rejected, result.Outcome);
        Assert.Equal(DegradationReason.DeadlineExceeded, result.Reason);
        Assert.Equal(0, result.Attempts);
        Assert.Contains("deadline", result.Detail);
        Assert.False(ran);
    }

    [Fact]
    public void Bad_calls_are_refused_where_they_are_built_naming_the_problem()
    {
        var noWork = Assert.Throws<ArgumentNullException>(() => new GuardedCall<int>("payments", null!));
        Assert.Equal("work", noWork.ParamName);

        var noName = Assert.Throws<ArgumentException>(() => new GuardedCall<int>(" ", _ => Task.FromResult(1)));
        Assert.Equal("dependency", noName.ParamName);

        var negative = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new GuardedCall<int>("payments", _ => Task.FromResult(1)) { Timeout = TimeSpan.FromSeconds(-1) });
        Assert.Equal("Timeout", negative.ParamName);

        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new GuardedCall<int>("payments", _ => Task.FromResult(1)) { Timeout = TimeSpan.Zero });
    }
}
