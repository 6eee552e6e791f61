using Akka.Actor;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Retry;
using Orchestrator.Contracts;
using Orchestrator.Tests.Actors;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Patterns;

/// <summary>The seed's "retry with exponential backoff" example, under virtual time.</summary>
public sealed class RetryTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private readonly List<DateTimeOffset> _attempts = [];

    private IActorRef Inventory(Action<DependencyOptions>? configure = null, Func<double>? random = null)
    {
        var options = new DependencyOptions();
        options.Retry.MaxAttempts = 3;
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Breaker.FailureThreshold = 100;
        options.Breaker.FailureRatio = null;
        configure?.Invoke(options);
        return Sys.ActorOf(DependencyActor.Props("inventory", options, Time, random: random), "inventory");
    }

    private GuardedCall<int> Failing(Exception error) => new("inventory", _ =>
    {
        lock (_attempts) _attempts.Add(Clock.Now);
        throw error;
    }) { ReplyTo = TestActor };

    private int Attempts
    {
        get { lock (_attempts) return _attempts.Count; }
    }

    private void AwaitAttempts(int n) => AwaitCondition(() => Attempts == n, TimeSpan.FromSeconds(5));

    /// <summary>Waits until the actor has scheduled <paramref name="n"/> retries (so that moving the clock on reaches their timers).</summary>
    private void AwaitRetriesScheduled(IActorRef dependency, int n)
    {
        var probe = CreateTestProbe();
        AwaitCondition(() =>
        {
            dependency.Tell(GetStatus.All, probe);
            return probe.ExpectMsg<DependencyStatus>().Retry!.Retries >= n;
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_transient_failure_is_retried_after_exponential_backoff_with_the_drawn_jitter()
    {
        var inventory = Inventory(random: () => 0.5);
        inventory.Tell(Failing(new HttpRequestException("503")));
        AwaitRetriesScheduled(inventory, 1);

        // Retry 1 waits 0.5 x 100 ms, retry 2 waits 0.5 x 200 ms.
        Advance(TimeSpan.FromMilliseconds(49));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, Attempts);
        Advance(TimeSpan.FromMilliseconds(1));
        AwaitRetriesScheduled(inventory, 2);
        Advance(TimeSpan.FromMilliseconds(99));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, Attempts);
        Advance(TimeSpan.FromMilliseconds(1));
        AwaitAttempts(3);

        var result = ExpectResult<int>();
        Assert.Equal(CallOutcome.Failed, result.Outcome);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(TimeSpan.FromMilliseconds(50), _attempts[1] - _attempts[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(100), _attempts[2] - _attempts[1]);
        var status = StatusOf(inventory);
        Assert.Equal(2, status.Retry!.Retries);
    }

    [Fact]
    public void Every_delay_lies_within_the_full_jitter_bounds()
    {
        var inventory = Inventory(o =>
        {
            o.Retry.MaxAttempts = 5;
            o.Retry.BudgetFloor = 100;
        });
        for (var call = 0; call < 5; call++)
        {
            lock (_attempts) _attempts.Clear();
            inventory.Tell(Failing(new TimeoutException()));
            for (var retry = 1; retry <= 4; retry++)
            {
                // Whatever the draw, the retry comes at most the ceiling later.
                AwaitRetriesScheduled(inventory, call * 4 + retry);
                Advance(Backoff.Ceiling(retry, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)));
                AwaitAttempts(retry + 1);
                var gap = _attempts[retry] - _attempts[retry - 1];
                Assert.InRange(gap, TimeSpan.Zero, Backoff.Ceiling(retry, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)));
            }
            Assert.Equal(5, ExpectResult<int>().Attempts);
        }
    }

    [Fact]
    public void A_failure_that_is_not_transient_is_not_retried()
    {
        Inventory().Tell(Failing(new InvalidOperationException("bad request")));
        var result = ExpectResult<int>();
        Assert.Equal(1, result.Attempts);
        Assert.Equal(1, Attempts);
    }

    [Fact]
    public void A_retry_succeeding_answers_success_with_the_attempt_count()
    {
        var inventory = Inventory(random: () => 0);
        var n = 0;
        inventory.Tell(new GuardedCall<int>("inventory", _ => Interlocked.Increment(ref n) < 3 ? throw new HttpRequestException("flaky") : Task.FromResult(42)) { ReplyTo = TestActor });
        AwaitRetriesScheduled(inventory, 1);
        Advance(TimeSpan.FromMilliseconds(1));
        AwaitRetriesScheduled(inventory, 2);
        Advance(TimeSpan.FromMilliseconds(1));
        var result = ExpectResult<int>();
        Assert.Equal(CallOutcome.Succeeded, result.Outcome);
        Assert.Equal(42, result.Value);
        Assert.Equal(3, result.Attempts);
    }

    [Fact]
    public void No_retry_when_the_time_left_is_shorter_than_the_next_delay()
    {
        var inventory = Inventory(random: () => 0.5);
        inventory.Tell(Failing(new HttpRequestException("503")) with { Deadline = Clock.Now + TimeSpan.FromMilliseconds(30) });
        var result = ExpectResult<int>();
        Assert.Equal(1, result.Attempts);
        Assert.Equal(CallOutcome.Failed, result.Outcome);
    }

    [Fact]
    public void No_retry_while_the_breaker_is_open()
    {
        var inventory = Inventory(o => o.Breaker.FailureThreshold = 1);
        inventory.Tell(Failing(new HttpRequestException("503")));
        var result = ExpectResult<int>();
        Assert.Equal(1, result.Attempts);
        Assert.Equal(BreakerState.Open, StatusOf(inventory).Breaker.State);
    }

    [Fact]
    public void The_retry_budget_holds_under_a_full_outage()
    {
        const int calls = 200;
        var inventory = Inventory(o =>
        {
            o.Retry.BudgetRatio = 0.1;
            o.Retry.BudgetFloor = 3;
            o.Retry.BudgetWindow = TimeSpan.FromMinutes(1);
            o.Bulkhead.MaxConcurrency = calls;
            o.Bulkhead.QueueCapacity = 0;
            o.Breaker.FailureThreshold = 0;
            o.Breaker.FailureRatio = 1.0;
            o.Breaker.MinimumThroughput = 100_000;
        }, random: () => 0.5);
        for (var i = 0; i < calls; i++) inventory.Tell(Failing(new HttpRequestException("down")));

        var answered = 0;
        for (var round = 0; round < 10 && answered < calls; round++)
        {
            while (ReceiveOne(TimeSpan.FromMilliseconds(300)) is CallResult<int>) answered++;
            Advance(TimeSpan.FromSeconds(1));
        }
        while (answered < calls && ReceiveOne(TimeSpan.FromSeconds(2)) is CallResult<int>) answered++;

        Assert.Equal(calls, answered);
        // At most 10% more calls than were made, plus the floor: the outage does not multiply the load.
        Assert.InRange(Attempts, calls, calls + (int)(0.1 * calls) + 3);
        var retry = StatusOf(inventory).Retry!;
        Assert.True(retry.Denied > 0);
        Assert.Equal(Attempts - calls, retry.Retries);
    }
}
