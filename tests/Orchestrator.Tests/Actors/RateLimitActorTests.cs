using Akka.Actor;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Actors;

/// <summary>
/// A dependency's rate limit in its calls, on virtual time: every attempt takes a permit (on the caller's side and
/// the actor's, retries too); a call without one is turned away as RateLimited, never counted against the
/// dependency, or waits for the next permits when the limit lets calls wait.
/// </summary>
public sealed class RateLimitActorTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private DependencyHandle Handle(string name, Action<DependencyOptions> configure) => SupervisedHandle(name, configure);

    private static GuardedCall<int> Answering(int value) => new("quotes", _ => Task.FromResult(value));

    private GuardedCall<int> Told(int value) => new("quotes", _ => Task.FromResult(value)) { ReplyTo = TestActor };

    /// <summary>quotes, one permit a second, with <paramref name="queueLimit"/> places to wait for permits (10 s each at most).</summary>
    private DependencyHandle WaitingQuotes(int queueLimit) => Handle("quotes", o =>
    {
        o.RateLimit.PermitsPerPeriod = 1;
        o.RateLimit.QueueLimit = queueLimit;
        o.Timeout = TimeSpan.FromSeconds(10);
    });

    /// <summary>A call answering <paramref name="n"/> that notes, in <paramref name="order"/>, when its work ran.</summary>
    private static GuardedCall<int> NotingIn(List<int> order, int n) => new("quotes", _ =>
    {
        lock (order) order.Add(n);
        return Task.FromResult(n);
    });

    [Fact]
    public async Task Calls_beyond_the_permits_are_turned_away_as_rate_limited_and_the_breaker_hears_nothing_of_them()
    {
        var quotes = Handle("quotes", o => { o.RateLimit.PermitsPerPeriod = 2; o.Breaker.FailureThreshold = 1; });
        Assert.True((await quotes.CallAsync(Answering(1))).IsSuccess);
        Assert.True((await quotes.CallAsync(Answering(2))).IsSuccess);

        var third = await quotes.CallAsync(Answering(3));
        Assert.Equal((CallOutcome.Rejected, DegradationReason.RateLimited, 0), (third.Outcome, third.Reason, third.Attempts));
        Assert.Contains("rate limit of 'quotes' (2 attempts per 00:00:01 on this node)", third.Detail);
        Assert.Contains("permits come back in 1000 ms", third.Detail);

        var status = StatusOf(quotes.Actor);
        Assert.Equal(BreakerState.Closed, status.Breaker.State); // a threshold of one failure: none was counted
        Assert.Equal(2, status.Breaker.WindowCalls);
        Assert.Equal(0, quotes.Stats.Troubled); // the node's own choice, not trouble at the dependency
        Assert.Equal((2L, 1L, 0L, true), (status.RateLimit!.Granted, status.RateLimit.Refused, status.RateLimit.Available, status.RateLimit.Limiting));

        Advance(TimeSpan.FromSeconds(1));
        Assert.True((await quotes.CallAsync(Answering(4))).IsSuccess);
    }

    [Fact]
    public async Task A_rate_limited_call_with_a_fallback_gets_its_fallback()
    {
        var quotes = Handle("quotes", o => o.RateLimit.PermitsPerPeriod = 1);
        await quotes.CallAsync(Answering(1));
        var second = await quotes.CallAsync(new GuardedCall<int>("quotes", _ => Task.FromResult(2)) { Fallback = (_, _) => Task.FromResult(-1) });
        Assert.Equal((CallOutcome.Fallback, DegradationReason.RateLimited, -1), (second.Outcome, second.Reason, second.Value));
    }

    [Fact]
    public void Calls_told_to_the_actor_take_permits_too()
    {
        var quotes = Dependency("quotes", o => o.RateLimit.PermitsPerPeriod = 1);
        quotes.Tell(Told(1));
        Assert.True(ExpectResult<int>().IsSuccess);
        quotes.Tell(Told(2));
        var second = ExpectResult<int>();
        Assert.Equal((CallOutcome.Rejected, DegradationReason.RateLimited), (second.Outcome, second.Reason));
        Advance(TimeSpan.FromSeconds(1));
        quotes.Tell(Told(3));
        Assert.True(ExpectResult<int>().IsSuccess);
    }

    [Fact]
    public void Retries_take_permits_and_a_retry_without_one_ends_the_call()
    {
        var attempts = 0;
        var quotes = Dependency("quotes", o =>
        {
            o.RateLimit.PermitsPerPeriod = 2;
            o.RateLimit.Period = TimeSpan.FromMinutes(1);
            o.Retry.MaxAttempts = 5;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
            o.Retry.MaxDelay = TimeSpan.FromMilliseconds(10);
        });
        quotes.Tell(new GuardedCall<int>("quotes", _ =>
        {
            Interlocked.Increment(ref attempts);
            throw new HttpRequestException("busy");
        }) { ReplyTo = TestActor });
        for (var retries = 1; retries <= 2; retries++) // two backoffs: the second retry finds no permit
        {
            // The attempt failed and its backoff timer is set: moving the clock fires it.
            AwaitCondition(() => StatusOf(quotes).Retry!.Retries == retries, EventLimit);
            Advance(TimeSpan.FromMilliseconds(10));
        }
        var result = ExpectResult<int>();
        Assert.Equal((DegradationReason.RateLimited, 2), (result.Reason, result.Attempts));
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task With_a_queue_calls_wait_for_the_next_permits_in_order_and_those_beyond_it_are_turned_away()
    {
        var quotes = WaitingQuotes(queueLimit: 2);
        var order = new List<int>();
        GuardedCall<int> Noting(int n) => NotingIn(order, n);

        Assert.True((await quotes.CallAsync(Noting(1))).IsSuccess);
        var second = quotes.CallAsync(Noting(2)).AsTask();
        var third = quotes.CallAsync(Noting(3)).AsTask();
        var fourth = await quotes.CallAsync(Noting(4));
        Assert.Equal((CallOutcome.Rejected, DegradationReason.RateLimited), (fourth.Outcome, fourth.Reason));
        Assert.Contains("at most 2 at once", fourth.Detail);
        Assert.False(second.IsCompleted);
        Assert.Equal(2, StatusOf(quotes.Actor).RateLimit!.Waiting);

        Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, (await second.WaitAsync(EventLimit)).Value);
        Assert.False(third.IsCompleted); // one permit a second: the third waits again, keeping its place
        Settle(quotes.Actor);
        Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, (await third.WaitAsync(EventLimit)).Value);
        Assert.Equal([1, 2, 3], order);
        Assert.Equal(0, StatusOf(quotes.Actor).RateLimit!.Waiting);
    }

    [Fact]
    public async Task A_new_call_goes_behind_the_calls_already_waiting_for_permits()
    {
        var quotes = WaitingQuotes(queueLimit: 5);
        var order = new List<int>();
        GuardedCall<int> Noting(int n) => NotingIn(order, n);

        await quotes.CallAsync(Noting(1));
        var second = quotes.CallAsync(Noting(2)).AsTask();
        Settle(quotes.Actor);
        Advance(TimeSpan.FromSeconds(1)); // the permit is back, and the second's turn comes, though its timer's message may still be on its way
        var third = quotes.CallAsync(Noting(3)).AsTask(); // not before the second
        Assert.Equal(2, (await second.WaitAsync(EventLimit)).Value);
        Settle(quotes.Actor);
        Assert.False(third.IsCompleted);
        Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, (await third.WaitAsync(EventLimit)).Value);
        Assert.Equal([1, 2, 3], order);
    }

    [Fact]
    public void A_retry_waits_for_permits_for_its_own_timeout_not_what_is_left_of_the_first_wait()
    {
        var attempts = 0;
        var quotes = Dependency("quotes", o =>
        {
            o.RateLimit.PermitsPerPeriod = 1;
            o.RateLimit.QueueLimit = 5;
            o.Timeout = TimeSpan.FromSeconds(1);
            o.Retry.MaxAttempts = 2;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
            o.Retry.MaxDelay = TimeSpan.FromMilliseconds(10);
        });
        quotes.Tell(Told(1));
        Assert.True(ExpectResult<int>().IsSuccess);
        Advance(TimeSpan.FromMilliseconds(200));
        quotes.Tell(new GuardedCall<int>("quotes", _ => Interlocked.Increment(ref attempts) == 1
            ? throw new HttpRequestException("busy")
            : Task.FromResult(2)) { ReplyTo = TestActor }); // waits from 0.2 s for the permits of 1 s
        Settle(quotes);
        Advance(TimeSpan.FromMilliseconds(800)); // 1 s: it runs and fails; its retry is due at 1.01 s
        AwaitCondition(() => StatusOf(quotes).Retry!.Retries == 1, EventLimit);
        Advance(TimeSpan.FromMilliseconds(10)); // no permit before 2 s: the retry waits (until 2.01 s at most)
        Assert.Equal(1, StatusOf(quotes).RateLimit!.Waiting);
        Advance(TimeSpan.FromMilliseconds(990));
        var result = ExpectResult<int>();
        Assert.Equal((CallOutcome.Succeeded, 2, 2), (result.Outcome, result.Value, result.Attempts));
    }

    [Fact]
    public void A_call_whose_deadline_comes_before_the_next_permits_does_not_wait()
    {
        var quotes = Dependency("quotes", o =>
        {
            o.RateLimit.PermitsPerPeriod = 1;
            o.RateLimit.QueueLimit = 5;
        });
        quotes.Tell(Told(1));
        Assert.True(ExpectResult<int>().IsSuccess);
        quotes.Tell(new GuardedCall<int>("quotes", _ => Task.FromResult(2)) { Deadline = Clock.Now + TimeSpan.FromMilliseconds(500), ReplyTo = TestActor });
        var turnedAway = ExpectResult<int>();
        Assert.Equal((CallOutcome.Rejected, DegradationReason.RateLimited, 0), (turnedAway.Outcome, turnedAway.Reason, turnedAway.Attempts));
        Assert.Equal(0, StatusOf(quotes).RateLimit!.Waiting);
    }

    [Fact]
    public void A_waiting_call_waits_at_most_its_timeout()
    {
        var quotes = Dependency("quotes", o =>
        {
            o.RateLimit.PermitsPerPeriod = 1;
            o.RateLimit.Period = TimeSpan.FromSeconds(2);
            o.RateLimit.Algorithm = RateLimitAlgorithm.SlidingWindow;
            o.RateLimit.Segments = 2;
            o.RateLimit.QueueLimit = 5;
            o.Timeout = TimeSpan.FromMilliseconds(1500);
        });
        quotes.Tell(Told(1));
        Assert.True(ExpectResult<int>().IsSuccess);
        quotes.Tell(Told(2)); // the next segment (1 s) gives nothing back: the permit comes only after 2 s, past its 1.5 s
        Settle(quotes);
        Assert.Equal(1, StatusOf(quotes).RateLimit!.Waiting);
        Advance(TimeSpan.FromSeconds(1));
        var turnedAway = ExpectResult<int>();
        Assert.Equal((DegradationReason.RateLimited, 0), (turnedAway.Reason, turnedAway.Attempts));
        Assert.Equal(0, StatusOf(quotes).RateLimit!.Waiting);
    }

    [Fact]
    public void Calls_queued_for_a_slot_start_when_the_next_permits_come()
    {
        var quotes = Dependency("quotes", o =>
        {
            o.RateLimit.PermitsPerPeriod = 1;
            o.Bulkhead.MaxConcurrency = 1;
            o.Bulkhead.QueueCapacity = 5;
            o.Timeout = TimeSpan.FromSeconds(10);
        });
        var gate = new Gate();
        quotes.Tell(new GuardedCall<int>("quotes", ct => gate.Pass(1, ct)) { ReplyTo = TestActor });
        Await(gate.StartedAtLeast(1));
        quotes.Tell(Told(2));
        Assert.Equal(1, StatusOf(quotes).Bulkhead.Queued);
        gate.Open();
        Assert.Equal(1, ExpectResult<int>().Value);
        Settle(quotes); // the slot is free, the permits are not: it stays queued
        Assert.Equal(1, StatusOf(quotes).Bulkhead.Queued);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, ExpectResult<int>().Value);
    }

    [Fact]
    public void The_limit_is_logged_when_it_starts_refusing_and_when_it_stops()
    {
        var quotes = Dependency("quotes", o => o.RateLimit.PermitsPerPeriod = 1);
        quotes.Tell(Told(1));
        ExpectResult<int>();
        EventFilter.Warning(contains: "Rate limit of quotes reached: 1 attempts per 00:00:01").ExpectOne(() =>
        {
            quotes.Tell(Told(2));
            quotes.Tell(Told(3));
            ExpectResult<int>();
            ExpectResult<int>();
        });
        Settle(quotes);
        EventFilter.Info(contains: "Rate limit of quotes stopped refusing permits after 2 refusals").ExpectOne(() =>
        {
            Advance(TimeSpan.FromSeconds(1)); // a look: the two refusals are new
            Settle(quotes);
            Advance(TimeSpan.FromSeconds(1)); // a quiet second
        });
        Assert.False(StatusOf(quotes).RateLimit!.Limiting);
    }
}
