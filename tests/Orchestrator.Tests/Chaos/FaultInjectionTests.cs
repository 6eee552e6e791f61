using System.Text.Json;
using Akka.Actor;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Orchestrator.Tests.Actors;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Chaos;

/// <summary>Faults injected into a dependency through its actor, on virtual time.</summary>
public sealed class FaultInjectionTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private IActorRef Supervisor(bool enabled = true, Action<DependencyOptions>? payments = null)
    {
        var options = new OrchestratorOptions { TimeProvider = Time };
        options.Chaos.Enabled = enabled;
        options.AddDependency("payments", d =>
        {
            d.Timeout = TimeSpan.FromSeconds(2);
            d.Breaker.FailureThreshold = 100;
            d.Breaker.FailureRatio = null;
            payments?.Invoke(d);
        });
        return Sys.ActorOf(DependencySupervisor.Props(options.Validate()));
    }

    private FaultCommandResult Command(IActorRef supervisor, object command)
    {
        supervisor.Tell(command, TestActor);
        return ExpectMsg<FaultCommandResult>(TimeSpan.FromSeconds(5));
    }

    private CallResult<int> Call(IActorRef supervisor, Func<CancellationToken, Task<int>>? work = null)
    {
        supervisor.Tell(new GuardedCall<int>("payments", work ?? (_ => Task.FromResult(1))) { ReplyTo = TestActor });
        return ExpectResult<int>();
    }

    private DependencyStatus Payments(IActorRef supervisor)
    {
        supervisor.Tell(new GetStatus("payments"), TestActor);
        return ExpectMsg<DependencyStatus>(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void An_error_fault_fails_every_call_as_the_dependencys_failure_shows_in_status_and_ends_by_itself()
    {
        var supervisor = Supervisor();
        var injected = Command(supervisor, new InjectFault("payments", new Fault(FaultKind.Error) { Duration = TimeSpan.FromSeconds(30) }));
        Assert.True(injected.Accepted);
        Assert.Null(injected.Refusal);
        Assert.Equal(1, injected.Nodes);

        var worked = false;
        var failed = Call(supervisor, _ => { worked = true; return Task.FromResult(1); });
        Assert.Equal(CallOutcome.Failed, failed.Outcome);
        Assert.Equal(DegradationReason.Error, failed.Reason);
        Assert.IsType<InjectedFaultException>(failed.Error);
        Assert.False(worked); // the work never ran
        var status = Payments(supervisor);
        Assert.Equal(1, status.Breaker.ConsecutiveFailures);
        Assert.Equal(FaultKind.Error, status.Fault!.Fault.Kind);
        Assert.Equal(1, status.Fault.Affected);
        Assert.Equal(status.Fault.Since + TimeSpan.FromSeconds(30), status.Fault.Until);

        Advance(TimeSpan.FromSeconds(30));
        AwaitCondition(() => Payments(supervisor).Fault is null, TimeSpan.FromSeconds(5));
        Assert.Equal(CallOutcome.Succeeded, Call(supervisor).Outcome);
    }

    [Fact]
    public void A_latency_fault_delays_the_work()
    {
        var supervisor = Supervisor();
        Command(supervisor, new InjectFault("payments", new Fault(FaultKind.Latency) { Latency = TimeSpan.FromMilliseconds(300) }));
        supervisor.Tell(new GuardedCall<int>("payments", _ => Task.FromResult(5)) { ReplyTo = TestActor });
        AwaitCondition(() => Payments(supervisor).Fault!.Affected == 1, TimeSpan.FromSeconds(5)); // its delay started
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Advance(TimeSpan.FromMilliseconds(300));
        var delayed = ExpectResult<int>();
        Assert.Equal(5, delayed.Value);
        Assert.Equal(TimeSpan.FromMilliseconds(300), delayed.Elapsed);
    }

    [Fact]
    public void A_hang_fault_ends_the_call_at_its_timeout()
    {
        var supervisor = Supervisor();
        Command(supervisor, new InjectFault("payments", new Fault(FaultKind.Hang)));
        supervisor.Tell(new GuardedCall<int>("payments", _ => Task.FromResult(5)) { ReplyTo = TestActor });
        AwaitCondition(() => Payments(supervisor).Fault!.Affected == 1, TimeSpan.FromSeconds(5)); // its attempt (and timeout) started
        Advance(TimeSpan.FromMilliseconds(1999));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Advance(TimeSpan.FromMilliseconds(1));
        var hung = ExpectResult<int>();
        Assert.Equal(DegradationReason.Timeout, hung.Reason);
    }

    [Fact]
    public void A_result_fault_answers_the_chosen_value_in_the_calls_type_or_fails_saying_it_is_not_one()
    {
        var supervisor = Supervisor();
        Command(supervisor, new InjectFault("payments", new Fault(FaultKind.Result) { Result = 42 }));
        Assert.Equal(42, Call(supervisor).Value);

        Command(supervisor, new InjectFault("payments", new Fault(FaultKind.Result) { Result = JsonDocument.Parse("7").RootElement.Clone() }));
        Assert.Equal(7, Call(supervisor).Value);

        Command(supervisor, new InjectFault("payments", new Fault(FaultKind.Result) { Result = JsonDocument.Parse("\"seven\"").RootElement.Clone() }));
        var wrong = Call(supervisor);
        Assert.Equal(CallOutcome.Failed, wrong.Outcome);
        Assert.Contains("not a Int32", wrong.Error!.Message);
    }

    [Fact]
    public void A_fault_on_a_share_of_calls_leaves_the_others_alone_and_clearing_ends_it()
    {
        var supervisor = Supervisor();
        Command(supervisor, new InjectFault("payments", new Fault(FaultKind.Error) { Rate = 0.5 }));
        var outcomes = Enumerable.Range(0, 60).Select(_ => Call(supervisor).Outcome).ToList();
        Assert.Contains(CallOutcome.Succeeded, outcomes);
        Assert.Contains(CallOutcome.Failed, outcomes);
        Assert.Equal(outcomes.Count(o => o == CallOutcome.Failed), Payments(supervisor).Fault!.Affected);

        Assert.True(Command(supervisor, new ClearFault("payments")).Accepted);
        Assert.Null(Payments(supervisor).Fault);
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal(CallOutcome.Succeeded, Call(supervisor).Outcome));
    }

    [Fact]
    public void Injection_switched_off_an_unknown_dependency_and_a_bad_fault_are_refused_naming_the_problem()
    {
        var off = Command(Supervisor(enabled: false), new InjectFault("payments", new Fault(FaultKind.Error)));
        Assert.False(off.Accepted);
        Assert.Contains("Orchestrator:Chaos:Enabled is false", off.Error);
        Assert.Equal(FaultRefusal.Disabled, off.Refusal);

        var supervisor = Supervisor();
        var unknown = Command(supervisor, new InjectFault("paymnets", new Fault(FaultKind.Error)));
        Assert.Contains("'paymnets'", unknown.Error);
        Assert.Equal(FaultRefusal.UnknownDependency, unknown.Refusal);
        Assert.Contains("payments", unknown.Error);

        var bad = Command(supervisor, new InjectFault("payments", new Fault(FaultKind.Error) { Rate = 2, Duration = TimeSpan.FromDays(3) }));
        Assert.Contains("Rate must be in (0, 1], not 2", bad.Error);
        Assert.Equal(FaultRefusal.InvalidFault, bad.Refusal);
        Assert.Contains("Duration must be above 0 and at most 01:00:00", bad.Error);
        Assert.Null(Payments(supervisor).Fault);
        Assert.Equal(CallOutcome.Succeeded, Call(supervisor).Outcome);
    }

    [Fact]
    public void A_fault_without_a_duration_ends_after_the_longest_one_allowed()
    {
        var supervisor = Supervisor();
        var injected = Command(supervisor, new InjectFault("payments", new Fault(FaultKind.Error)));
        Assert.Equal(injected.Fault!.Since + TimeSpan.FromHours(1), injected.Fault.Until);
        Advance(TimeSpan.FromHours(1));
        AwaitCondition(() => Payments(supervisor).Fault is null, TimeSpan.FromSeconds(5));
    }
}
