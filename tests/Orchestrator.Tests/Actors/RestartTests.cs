using Akka.Actor;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Actors;

public sealed class RestartTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private IActorRef Supervisor(Action<OrchestratorOptions> configure)
    {
        var options = new OrchestratorOptions { TimeProvider = Time };
        configure(options);
        return Sys.ActorOf(DependencySupervisor.Props(options.Validate()), "dependencies");
    }

    [Fact]
    public void A_crashed_dependency_actor_is_restarted_and_keeps_its_calls_and_breaker()
    {
        var dependencies = Supervisor(o => o
            .AddDependency("payments", d => { d.Bulkhead.MaxConcurrency = 1; d.Bulkhead.QueueCapacity = 5; })
            .AddDependency("inventory"));
        var gate = new Gate();
        dependencies.Tell(new GuardedCall<int>("payments", ct => gate.Pass(1, ct)) { ReplyTo = TestActor });
        Await(gate.StartedAtLeast(1));
        dependencies.Tell(new GuardedCall<int>("payments", ct => gate.Pass(2, ct)) { ReplyTo = TestActor });
        dependencies.Tell(new IsolateBreaker("inventory"), TestActor);
        ExpectMsg<BreakerCommandAccepted>();
        dependencies.Tell(new GetStatus("payments"), TestActor);
        Assert.Equal(1, ExpectMsg<DependencyStatus>().Bulkhead.Queued);

        EventFilter.Exception<ChaosCrashException>().ExpectOne(() =>
            dependencies.Tell(new CrashDependencyActor("payments"), TestActor));

        // After the restart, the running call and the queued one both finish, each answered once.
        dependencies.Tell(new GetStatus("payments"), TestActor);
        var status = ExpectMsg<DependencyStatus>();
        Assert.Equal(1, status.Bulkhead.InFlight);
        Assert.Equal(1, status.Bulkhead.Queued);
        gate.Open();
        var answers = new[] { ExpectResult<int>().Value, ExpectResult<int>().Value };
        Assert.Equal([1, 2], answers.Order());
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // The other dependency's state was not touched; this one serves again.
        dependencies.Tell(new GetStatus("inventory"), TestActor);
        Assert.Equal(BreakerState.Isolated, ExpectMsg<DependencyStatus>().Breaker.State);
        dependencies.Tell(new GuardedCall<int>("payments", _ => Task.FromResult(3)) { ReplyTo = TestActor });
        Assert.Equal(3, ExpectResult<int>().Value);
    }

    [Fact]
    public void An_open_breaker_stays_open_across_a_restart()
    {
        var dependencies = Supervisor(o => o.AddDependency("payments", d => d.Breaker.FailureThreshold = 1));
        dependencies.Tell(new GuardedCall<int>("payments", _ => throw new HttpRequestException("down")) { ReplyTo = TestActor });
        ExpectResult<int>();
        EventFilter.Exception<ChaosCrashException>().ExpectOne(() =>
            dependencies.Tell(new CrashDependencyActor("payments"), TestActor));
        dependencies.Tell(new GetStatus("payments"), TestActor);
        Assert.Equal(BreakerState.Open, ExpectMsg<DependencyStatus>().Breaker.State);
    }

    [Fact]
    public void Calls_to_an_unknown_dependency_are_rejected_naming_it_and_the_known_ones()
    {
        var dependencies = Supervisor(o => o.AddDependency("payments").AddDependency("inventory"));
        dependencies.Tell(new GuardedCall<int>("paymnets", _ => Task.FromResult(1)), TestActor);

        var result = ExpectResult<int>();
        Assert.Equal(CallOutcome.Rejected, result.Outcome);
        Assert.Equal(DegradationReason.UnknownDependency, result.Reason);
        Assert.Contains("'paymnets'", result.Detail);
        Assert.Contains("payments, inventory", result.Detail);

        dependencies.Tell(new IsolateBreaker("nope"), TestActor);
        Assert.Equal("nope", ExpectMsg<UnknownDependency>().Dependency);
    }

    [Fact]
    public void The_supervisor_reports_every_dependency_in_declaration_order()
    {
        var dependencies = Supervisor(o => o.AddDependency("profile").AddDependency("payments", d => d.Timeout = TimeSpan.FromSeconds(3)));
        dependencies.Tell(GetStatus.All, TestActor);
        var status = ExpectMsg<OrchestratorStatus>();
        Assert.Equal(["profile", "payments"], status.Dependencies.Select(d => d.Name));
        Assert.Equal(TimeSpan.FromSeconds(3), status.Dependencies[1].DefaultTimeout);
        Assert.All(status.Dependencies, d => Assert.Equal(BreakerState.Closed, d.Breaker.State));
    }
}
