using System.Runtime.CompilerServices;
using Akka.Actor;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Orchestrator.Tests.Actors;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Pipeline;

/// <summary>
/// A caller that cancels while its call waits in the actor's hands (in the bulkhead's queue, backing off before a
/// retry, waiting for the rate limit's permits) gets its answer at once, and the place it waited in is free for the
/// next caller at once, not when the call's turn comes: cancelled callers must not fill a bounded queue. Virtual time.
/// </summary>
public sealed class WaitingCallCancellationTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private DependencyHandle Handle(string name, Action<DependencyOptions> configure) => SupervisedHandle(name, configure);

    private static GuardedCall<int> Counting(string name, StrongBox<int> runs, int value) => new(name, _ =>
    {
        Interlocked.Increment(ref runs.Value);
        return Task.FromResult(value);
    });

    /// <summary>payments with one slot and one place in its queue; the call holding the slot, and a call of its own caller's waiting in the queue.</summary>
    private sealed record QueuedCall(DependencyHandle Payments, Gate HogGate, Task<CallResult<int>> Hog, Task<CallResult<int>> Waiting,
        CancellationTokenSource Cancel, StrongBox<int> Runs);

    private QueuedCall QueueBehindAHog(Action<DependencyOptions>? configure = null)
    {
        var payments = Handle("payments", o =>
        {
            o.Bulkhead.MaxConcurrency = 1;
            o.Bulkhead.QueueCapacity = 1;
            configure?.Invoke(o);
        });
        var hogGate = new Gate();
        var hog = payments.CallAsync(new GuardedCall<int>("payments", ct => hogGate.Pass(0, ct))).AsTask(); // holds the one slot
        var runs = new StrongBox<int>();
        var cancel = new CancellationTokenSource();
        var waiting = payments.CallAsync(Counting("payments", runs, 1), cancel.Token).AsTask();
        AwaitCondition(() => StatusOf(payments.Actor).Bulkhead.Queued == 1, EventLimit);
        return new QueuedCall(payments, hogGate, hog, waiting, cancel, runs);
    }

    [Fact]
    public async Task A_call_cancelled_in_the_queue_leaves_it_at_once_and_its_place_serves_the_next_caller()
    {
        var (payments, hogGate, hog, waiting, cancel, runs) = QueueBehindAHog();
        using var _ = cancel;

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        AwaitAssert(() =>
        {
            var status = StatusOf(payments.Actor);
            Assert.Equal((0, 1L, 0L, 0L), (status.Bulkhead.Queued, status.Calls.Cancelled, status.Calls.Failed, status.Bulkhead.RejectedTotal));
        }, EventLimit);
        var next = payments.CallAsync(Counting("payments", runs, 2)).AsTask(); // the queue's one place is free again
        AwaitCondition(() => StatusOf(payments.Actor).Bulkhead.Queued == 1, EventLimit);
        hogGate.Open();
        await hog.WaitAsync(EventLimit);
        var served = await next.WaitAsync(EventLimit);
        Assert.Equal((CallOutcome.Succeeded, 2), (served.Outcome, served.Value));
        Assert.Equal(1, runs.Value); // the cancelled call's work never ran
        Advance(TimeSpan.FromMinutes(1)); // its queue timer was cancelled: nothing more happens to it
        Assert.Equal((0L, 0L), (StatusOf(payments.Actor).Calls.TimedOut, StatusOf(payments.Actor).Bulkhead.RejectedTotal));
    }

    [Fact]
    public async Task A_queued_call_whose_caller_cancelled_as_its_slot_came_is_answered_without_spending_the_slot_or_a_permit()
    {
        var (payments, hogGate, hog, waiting, cancel, _) = QueueBehindAHog(o => o.RateLimit.PermitsPerPeriod = 10);
        using var cancelling = cancel;
        using var held = new ManualResetEventSlim();
        // A change of options runs its code on the actor's thread: it holds the actor while the slot comes back and
        // then the caller cancels, so the actor hears of the free slot before it hears that the caller gave up.
        payments.Actor.Tell(new ChangeDependencyOptions("payments", _ => held.Wait(EventLimit)));
        hogGate.Open();
        await hog.WaitAsync(EventLimit);
        cancel.Cancel();
        held.Set();
        ExpectMsg<OptionsChangeResult>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var status = StatusOf(payments.Actor);
        Assert.Equal((0, 0, 1L), (status.Bulkhead.Queued, status.Bulkhead.InFlight, status.Calls.Cancelled));
        Assert.Equal(1L, status.RateLimit!.Granted); // the hog's permit only: none was spent on the cancelled call
    }

    [Fact]
    public async Task A_call_cancelled_while_it_backs_off_is_answered_at_once_and_never_tried_again()
    {
        var payments = Handle("payments", o =>
        {
            o.Retry.MaxAttempts = 3;
            o.Retry.BaseDelay = TimeSpan.FromSeconds(10);
            o.Retry.MaxDelay = TimeSpan.FromSeconds(10);
            o.Timeout = TimeSpan.FromMinutes(1);
        });
        var tries = 0;
        using var cancel = new CancellationTokenSource();
        var call = payments.CallAsync(new GuardedCall<int>("payments", _ =>
        {
            Interlocked.Increment(ref tries);
            throw new HttpRequestException("down"); // transient: retried after a backoff, in the actor's hands
        }), cancel.Token).AsTask();
        AwaitCondition(() => StatusOf(payments.Actor).Retry!.Retries == 1, EventLimit); // backing off

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        AwaitAssert(() => Assert.Equal(1L, StatusOf(payments.Actor).Calls.Cancelled), EventLimit); // answered now, not at the retry
        var breaker = StatusOf(payments.Actor).Breaker;
        Assert.Equal((1, 1), (breaker.WindowCalls, breaker.WindowFailures)); // the one real failure; the cancellation is none
        Advance(TimeSpan.FromSeconds(30)); // past every backoff: its retry timer was cancelled
        var status = StatusOf(payments.Actor);
        Assert.Equal((1, 1L, 1L, 0L), (tries, status.Retry!.Retries, status.Calls.Cancelled, status.Calls.Failed));
    }

    [Fact]
    public async Task A_call_cancelled_while_it_waits_for_the_rate_limits_permits_frees_its_place_among_the_waiters()
    {
        var quotes = Handle("quotes", o =>
        {
            o.RateLimit.PermitsPerPeriod = 1;
            o.RateLimit.QueueLimit = 1;
            o.Timeout = TimeSpan.FromSeconds(10);
        });
        var runs = new StrongBox<int>();
        Assert.True((await quotes.CallAsync(Counting("quotes", runs, 1))).IsSuccess); // takes the second's permit
        using var cancel = new CancellationTokenSource();
        var waiting = quotes.CallAsync(Counting("quotes", runs, 2), cancel.Token).AsTask();
        AwaitCondition(() => StatusOf(quotes.Actor).RateLimit!.Waiting == 1, EventLimit);

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        AwaitAssert(() => Assert.Equal((0, 1L), (StatusOf(quotes.Actor).RateLimit!.Waiting, StatusOf(quotes.Actor).Calls.Cancelled)), EventLimit);
        var next = quotes.CallAsync(Counting("quotes", runs, 3)).AsTask(); // the one place to wait is free again
        AwaitCondition(() => StatusOf(quotes.Actor).RateLimit!.Waiting == 1, EventLimit);
        Advance(TimeSpan.FromSeconds(1));
        var served = await next.WaitAsync(EventLimit);
        Assert.Equal((CallOutcome.Succeeded, 3), (served.Outcome, served.Value));
        Assert.Equal(2, runs.Value); // the cancelled call's work never ran
    }

    [Fact]
    public void A_call_stops_watching_its_callers_token_once_answered_so_a_long_lived_token_holds_no_call()
    {
        using var cancel = new CancellationTokenSource();
        var options = new DependencyOptions();
        var answered = new PendingCall(1, new GuardedCall<int>("payments", _ => Task.FromResult(1)), TestActor, 0, options) { Cancellation = cancel.Token };
        var waiting = new PendingCall(2, new GuardedCall<int>("payments", _ => Task.FromResult(2)), TestActor, 0, options) { Cancellation = cancel.Token };
        answered.WatchCaller(TestActor);
        waiting.WatchCaller(TestActor);
        answered.StopWatchingCaller();

        cancel.Cancel(); // the registrations run here, on this thread

        Assert.Same(waiting, ExpectMsg<CallerGaveUp>(TimeSpan.Zero).Pending);
        Assert.False(HasMessages);
    }
}
