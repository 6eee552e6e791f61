using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Orchestrator.Tests.Actors;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Pipeline;

/// <summary>
/// The one post-attempt stage, whichever side ran the attempt and whichever way the call came in: the caller's token
/// cancels the work (and says nothing about the dependency), a told call's retry is answered by the dependency's
/// actor itself (no temporary actor in between), and a timeout is counted once per attempt on both sides. Virtual time.
/// </summary>
public sealed class PostAttemptTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private DependencyHandle Handle(string name, Action<DependencyOptions>? configure = null, Action<OrchestratorOptions>? node = null) =>
        SupervisedHandle(name, configure, node);

    [Fact]
    public async Task The_callers_token_cancels_the_work_run_on_its_side_and_nothing_is_held_against_the_dependency()
    {
        var payments = Handle("payments");
        var gate = new Gate();
        var workToken = CancellationToken.None;
        using var cancel = new CancellationTokenSource();
        var answer = payments.CallAsync(new GuardedCall<int>("payments", ct =>
        {
            workToken = ct;
            return gate.Pass(1, ct);
        }), cancel.Token).AsTask();
        Assert.Equal(1, gate.Started); // inline, on this thread
        Assert.False(workToken.IsCancellationRequested);

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answer);
        Assert.True(workToken.IsCancellationRequested); // the work itself was cancelled, not only the wait
        var status = StatusOf(payments.Actor);
        Assert.Equal((0, 0L, 1L), (status.Breaker.WindowFailures, status.Calls.Failed, status.Calls.Cancelled));
        Assert.Equal(0, status.Bulkhead.InFlight);
        Assert.Equal(0, payments.Gate.Admitted);
    }

    [Fact]
    public async Task The_callers_token_cancels_the_work_of_a_call_the_actor_runs()
    {
        var payments = Handle("payments", o =>
        {
            o.Bulkhead.MaxConcurrency = 1;
            o.Bulkhead.QueueCapacity = 1;
        });
        var hogGate = new Gate();
        var hog = payments.CallAsync(new GuardedCall<int>("payments", ct => hogGate.Pass(0, ct))).AsTask(); // holds the one slot
        var gate = new Gate();
        var workToken = CancellationToken.None;
        using var cancel = new CancellationTokenSource();
        var answer = payments.CallAsync(new GuardedCall<int>("payments", ct =>
        {
            workToken = ct;
            return gate.Pass(1, ct);
        }), cancel.Token).AsTask();
        AwaitCondition(() => StatusOf(payments.Actor).Bulkhead.Queued == 1, TimeSpan.FromSeconds(5)); // handed to the actor, queued
        hogGate.Open();
        await hog.WaitAsync(TimeSpan.FromSeconds(5));
        Await(gate.StartedAtLeast(1)); // the actor started it

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answer);
        AwaitCondition(() => workToken.IsCancellationRequested, TimeSpan.FromSeconds(5));
        AwaitAssert(() =>
        {
            var status = StatusOf(payments.Actor);
            Assert.Equal((0, 0, 0L, 1L), (status.Bulkhead.InFlight, status.Breaker.WindowFailures, status.Calls.Failed, status.Calls.Cancelled));
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task One_caller_giving_up_does_not_cancel_the_fetch_others_wait_on_for_the_same_key()
    {
        var products = Handle("products", o => o.Cache.Enabled = true);
        var gate = new Gate();
        var fetchToken = CancellationToken.None;
        using var cancel = new CancellationTokenSource();
        var leader = products.CallAsync(new GuardedCall<string>("products", ct =>
        {
            fetchToken = ct;
            return gate.Pass("v", ct);
        }) { Key = "k" }, cancel.Token).AsTask();
        Await(gate.StartedAtLeast(1));
        var follower = products.CallAsync(new GuardedCall<string>("products", _ => Task.FromResult("unused")) { Key = "k" }).AsTask();
        AwaitCondition(() => StatusOf(products.Actor).Cache!.Misses == 2, TimeSpan.FromSeconds(5)); // it waits on the leader's fetch

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader); // the leader stops waiting
        Assert.False(fetchToken.IsCancellationRequested);                      // the fetch goes on for the others
        gate.Open();

        var served = await follower.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal((CallOutcome.Succeeded, "v"), (served.Outcome, served.Value));
    }

    [Fact]
    public async Task A_cancelled_call_leaves_the_adaptive_load_limit_alone()
    {
        var payments = Handle("payments", node: o =>
        {
            o.Admission.Enabled = true;
            o.Admission.Adaptive = true;
            o.Admission.Limit = 100;
        });
        var admission = payments.Controls.Admission!;
        var before = admission.Limit;
        for (var i = 0; i < 20; i++)
        {
            using var cancel = new CancellationTokenSource();
            var gate = new Gate();
            var answer = payments.CallAsync(new GuardedCall<int>("payments", ct => gate.Pass(1, ct)), cancel.Token).AsTask();
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answer);
        }
        AwaitCondition(() => admission.InFlight == 0, TimeSpan.FromSeconds(5)); // the caller stops waiting before the work's end is settled
        Assert.Equal(before, admission.Limit); // 20 failures would have cut it to 12
    }

    [Fact]
    public async Task A_token_cancelled_before_the_call_runs_nothing()
    {
        var payments = Handle("payments");
        var ran = 0;
        var answer = payments.CallAsync(new GuardedCall<int>("payments", _ => Task.FromResult(Interlocked.Increment(ref ran))), new CancellationToken(true)).AsTask();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answer);
        Assert.Equal(0, ran);
        Assert.Equal(0, payments.Gate.Admitted);
    }

    [Fact]
    public void A_told_call_retried_after_its_first_attempt_failed_on_the_callers_side_is_answered_by_the_dependencys_actor()
    {
        var payments = Handle("payments", o =>
        {
            o.Retry.MaxAttempts = 2;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(100);
            o.Retry.MaxDelay = TimeSpan.FromMilliseconds(100);
        });
        var attempts = 0;
        payments.Tell(new GuardedCall<int>("payments", _ => Interlocked.Increment(ref attempts) == 1
            ? throw new HttpRequestException("blip")
            : Task.FromResult(42)), TestActor);

        AwaitCondition(() => Volatile.Read(ref attempts) == 1, TimeSpan.FromSeconds(5));
        AwaitAssert(() =>
        {
            Advance(TimeSpan.FromMilliseconds(100)); // the backoff, once the actor has the call
            Assert.Equal(2, Volatile.Read(ref attempts));
        }, TimeSpan.FromSeconds(5));

        var result = ExpectMsg<CallResult<int>>();
        Assert.Equal((CallOutcome.Succeeded, 42, 2), (result.Outcome, result.Value, result.Attempts));
        Assert.Equal(payments.Actor, LastSender); // straight from the dependency's actor: no temporary actor in between
        var status = StatusOf(payments.Actor);
        Assert.Equal((1, 1L), (status.Breaker.WindowFailures, status.Retry!.Retries));
    }

    [Fact]
    public async Task A_timeout_is_counted_once_per_attempt_whichever_side_ran_it()
    {
        var payments = Handle("payments", o =>
        {
            o.Timeout = TimeSpan.FromSeconds(1);
            o.Retry.MaxAttempts = 2;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(100);
            o.Retry.MaxDelay = TimeSpan.FromMilliseconds(100);
        });
        var gate = new Gate(); // never opened: every attempt runs into its timeout
        var answer = payments.CallAsync(new GuardedCall<int>("payments", ct => gate.Pass(1, ct))).AsTask();
        Assert.Equal(1, gate.Started); // the first attempt on the caller's side

        Advance(TimeSpan.FromSeconds(1));
        Await(gate.StartedAtLeast(1));
        AwaitAssert(() =>
        {
            Advance(TimeSpan.FromMilliseconds(100)); // the backoff; the second attempt on the actor's side
            Assert.Equal(2, gate.Started);
        }, TimeSpan.FromSeconds(5));
        Advance(TimeSpan.FromSeconds(1));

        var result = await answer.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal((DegradationReason.Timeout, 2), (result.Reason, result.Attempts));
        var status = StatusOf(payments.Actor);
        Assert.Equal(2L, status.Calls.TimedOut);
        Assert.Equal(2, status.Breaker.WindowFailures);
    }
}
