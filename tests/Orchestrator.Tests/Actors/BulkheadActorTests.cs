using Akka.Actor;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Actors;

public sealed class BulkheadActorTests(ITestOutputHelper output) : ActorTestBase(output)
{
    [Fact]
    public void A_thousand_concurrent_calls_never_exceed_max_concurrency_and_each_caller_hears_exactly_once()
    {
        const int calls = 1000, max = 10, queue = 50;
        var inventory = Dependency("inventory", o =>
        {
            o.Bulkhead.MaxConcurrency = max;
            o.Bulkhead.QueueCapacity = queue;
            o.Timeout = TimeSpan.FromMinutes(1);
        });
        var gate = new Gate();
        var probe = CreateTestProbe();

        Parallel.For(0, calls, i => inventory.Tell(new GuardedCall<int>("inventory", ct => gate.Pass(i, ct)) { Key = i.ToString(), ReplyTo = probe }));

        // Everything beyond the slots and the queue is rejected at once, while the first ten still run.
        var rejected = new HashSet<string>();
        for (var i = 0; i < calls - max - queue; i++)
        {
            var r = probe.ExpectMsg<CallResult<int>>(TimeSpan.FromSeconds(5));
            Assert.Equal(CallOutcome.Rejected, r.Outcome);
            Assert.Equal(DegradationReason.BulkheadFull, r.Reason);
            Assert.Equal(0, r.Attempts);
        }
        Await(gate.StartedAtLeast(max));
        var status = StatusOf(inventory).Bulkhead;
        Assert.Equal(max, status.InFlight);
        Assert.Equal(queue, status.Queued);
        Assert.True(status.Rejecting);
        Assert.Equal(calls - max - queue, status.RejectedTotal);

        gate.Open();
        var values = new HashSet<int>();
        for (var i = 0; i < max + queue; i++)
        {
            var r = probe.ExpectMsg<CallResult<int>>(TimeSpan.FromSeconds(5));
            Assert.Equal(CallOutcome.Succeeded, r.Outcome);
            Assert.True(values.Add(r.Value), $"call {r.Value} was answered twice");
        }
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.True(gate.MaxRunning <= max, $"{gate.MaxRunning} calls ran at once; the limit is {max}");
        Assert.Equal(max + queue, gate.Started);
        var after = StatusOf(inventory);
        Assert.Equal(0, after.Bulkhead.InFlight);
        Assert.Equal(0, after.Bulkhead.Queued);
        Assert.Equal(max + queue, after.Calls.Succeeded);
        Assert.Equal(calls - max - queue, after.Calls.Rejected);
    }

    [Fact]
    public void Waiting_calls_start_in_arrival_order_as_slots_free()
    {
        var inventory = Dependency("inventory", o =>
        {
            o.Bulkhead.MaxConcurrency = 1;
            o.Bulkhead.QueueCapacity = 5;
        });
        var gate = new Gate();
        var order = new List<int>();
        inventory.Tell(new GuardedCall<int>("inventory", ct => gate.Pass(0, ct)) { ReplyTo = TestActor });
        Await(gate.StartedAtLeast(1));
        for (var i = 1; i <= 5; i++)
        {
            var n = i;
            inventory.Tell(new GuardedCall<int>("inventory", _ => { lock (order) order.Add(n); return Task.FromResult(n); }) { ReplyTo = TestActor });
        }
        gate.Open();
        for (var i = 0; i <= 5; i++) ExpectResult<int>();
        Assert.Equal([1, 2, 3, 4, 5], order);
    }

    [Fact]
    public void A_waiting_call_whose_deadline_passes_is_dropped_without_running()
    {
        var inventory = Dependency("inventory", o =>
        {
            o.Bulkhead.MaxConcurrency = 1;
            o.Bulkhead.QueueCapacity = 5;
            o.Timeout = TimeSpan.FromSeconds(30);
        });
        var gate = new Gate();
        inventory.Tell(new GuardedCall<int>("inventory", ct => gate.Pass(0, ct)) { ReplyTo = TestActor });
        Await(gate.StartedAtLeast(1));

        var ran = false;
        inventory.Tell(new GuardedCall<int>("inventory", _ => { ran = true; return Task.FromResult(1); })
        {
            Deadline = Clock.Now + TimeSpan.FromMilliseconds(100),
            ReplyTo = TestActor,
        });
        Assert.Equal(1, StatusOf(inventory).Bulkhead.Queued);
        Advance(TimeSpan.FromMilliseconds(100));

        var dropped = ExpectResult<int>();
        Assert.Equal(CallOutcome.Rejected, dropped.Outcome);
        Assert.Equal(DegradationReason.DeadlineExceeded, dropped.Reason);
        Assert.Equal(0, dropped.Attempts);
        Assert.Equal(0, StatusOf(inventory).Bulkhead.Queued);

        gate.Open();
        Assert.True(ExpectResult<int>().IsSuccess);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.False(ran);
    }

    [Fact]
    public void A_waiting_call_waits_at_most_its_timeout_then_its_fallback_answers()
    {
        var inventory = Dependency("inventory", o =>
        {
            o.Bulkhead.MaxConcurrency = 1;
            o.Timeout = TimeSpan.FromSeconds(5);
        });
        var gate = new Gate();
        inventory.Tell(new GuardedCall<int>("inventory", ct => gate.Pass(0, ct)) { ReplyTo = TestActor, Timeout = TimeSpan.FromMinutes(1) });
        Await(gate.StartedAtLeast(1));
        inventory.Tell(new GuardedCall<int>("inventory", _ => Task.FromResult(1)) { ReplyTo = TestActor, Fallback = (_, _) => Task.FromResult(-1) });
        Assert.Equal(1, StatusOf(inventory).Bulkhead.Queued); // taken in, its queue timer armed
        Advance(TimeSpan.FromSeconds(5));

        var result = ExpectResult<int>();
        Assert.Equal(CallOutcome.Fallback, result.Outcome);
        Assert.Equal(DegradationReason.Timeout, result.Reason);
        Assert.Equal(-1, result.Value);
        gate.Open();
        ExpectResult<int>();
    }

    [Fact]
    public void One_dependency_saturated_does_not_slow_another()
    {
        var slow = Dependency("slow", o => { o.Bulkhead.MaxConcurrency = 2; o.Bulkhead.QueueCapacity = 0; });
        var fast = Dependency("fast");
        var gate = new Gate();
        for (var i = 0; i < 5; i++) slow.Tell(new GuardedCall<int>("slow", ct => gate.Pass(0, ct)) { ReplyTo = TestActor });
        for (var i = 0; i < 3; i++) Assert.Equal(DegradationReason.BulkheadFull, ExpectResult<int>().Reason);

        fast.Tell(new GuardedCall<int>("fast", _ => Task.FromResult(9)) { ReplyTo = TestActor });
        Assert.Equal(9, ExpectResult<int>().Value);
        gate.Open();
        ExpectResult<int>();
        ExpectResult<int>();
    }

    [Fact]
    public void Dedicated_threads_run_the_work_off_the_shared_pool()
    {
        var legacy = Dependency("legacy", o => o.Bulkhead.DedicatedThreads = 2);
        legacy.Tell(new GuardedCall<string>("legacy", _ => Task.FromResult(Thread.CurrentThread.Name ?? "")) { ReplyTo = TestActor });
        Assert.StartsWith("orchestrator-legacy-", ExpectResult<string>().Value);
    }
}
