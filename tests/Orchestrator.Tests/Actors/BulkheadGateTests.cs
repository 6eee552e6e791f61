using Akka.Actor;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Actors;

public sealed class BulkheadGateTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private DependencyHandle Handle(string name, Action<DependencyOptions> configure)
    {
        var options = new OrchestratorOptions { TimeProvider = Time }.AddDependency(name, configure).Validate();
        var supervisor = Sys.ActorOf(DependencySupervisor.Props(options), "dependencies");
        supervisor.Tell(GetDependencyDirectory.Instance, TestActor);
        return ExpectMsg<DependencyDirectory>().Handles[name];
    }

    [Fact]
    public void A_flood_beyond_slots_and_queue_is_answered_on_the_senders_side_and_never_reaches_the_mailbox()
    {
        var payments = Handle("payments", o =>
        {
            o.Bulkhead.MaxConcurrency = 2;
            o.Bulkhead.QueueCapacity = 3;
            o.Timeout = TimeSpan.FromMinutes(1);
        });
        var gate = new Gate();
        for (var i = 0; i < 5; i++)
            payments.Tell(new GuardedCall<int>("payments", ct => gate.Pass(1, ct)), TestActor);
        Await(gate.StartedAtLeast(2));
        Assert.Equal(5, payments.Gate.Admitted);

        var flood = CreateTestProbe();
        Parallel.For(0, 1000, _ => payments.Tell(new GuardedCall<int>("payments", _ => Task.FromResult(2)), flood));

        // All thousand were answered before any message for them was sent to the actor.
        for (var i = 0; i < 1000; i++)
        {
            var r = flood.ExpectMsg<CallResult<int>>();
            Assert.Equal(DegradationReason.BulkheadFull, r.Reason);
            Assert.Equal(CallOutcome.Rejected, r.Outcome);
            Assert.Contains("5 calls admitted", r.Detail);
        }
        Assert.Equal(5, payments.Gate.Admitted);
        Assert.Equal(1000, payments.Gate.RejectedTotal);

        var status = StatusOf(payments.Actor);
        Assert.Equal(2, status.Bulkhead.InFlight);
        Assert.Equal(3, status.Bulkhead.Queued);
        Assert.True(status.Bulkhead.Rejecting);
        Assert.Equal(1000, status.Calls.Rejected);

        gate.Open();
        for (var i = 0; i < 5; i++) Assert.True(ExpectResult<int>().IsSuccess);
        AwaitCondition(() => payments.Gate.Admitted == 0, TimeSpan.FromSeconds(5));
        payments.Tell(new GuardedCall<int>("payments", _ => Task.FromResult(3)), TestActor);
        Assert.Equal(3, ExpectResult<int>().Value);
    }

    [Fact]
    public async Task An_ask_turned_away_by_the_gate_gets_its_fallback()
    {
        var payments = Handle("payments", o =>
        {
            o.Bulkhead.MaxConcurrency = 1;
            o.Bulkhead.QueueCapacity = 0;
        });
        var gate = new Gate();
        payments.Tell(new GuardedCall<int>("payments", ct => gate.Pass(1, ct)), TestActor);
        Await(gate.StartedAtLeast(1));

        var result = await payments.AskAsync(new GuardedCall<int>("payments", _ => Task.FromResult(2))
        {
            Fallback = (ctx, _) => Task.FromResult(ctx.Reason == DegradationReason.BulkheadFull ? -1 : -2),
        }, TimeSpan.FromSeconds(5));
        Assert.Equal(CallOutcome.Fallback, result.Outcome);
        Assert.Equal(-1, result.BoxedValue);
        Assert.Equal(FallbackSource.CallFallback, result.Source);
        Assert.Equal(1, StatusOf(payments.Actor).Calls.Fallbacks);
        gate.Open();
        ExpectResult<int>();
    }
}
