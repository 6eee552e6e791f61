using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Coordination;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Hosting;
using Orchestrator.Actors.Root;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Hosting;

/// <summary>
/// The orchestrator's actors may restart; what callers hold (the typed client, the dependencies' handles) keeps
/// working, and the restarted coordinator publishes where the calls read.
/// </summary>
public sealed class LifetimeTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private static GuardedCall<string> Paid => new("payments", _ => Task.FromResult("paid"));

    [Fact]
    public async Task After_the_dependencies_supervisor_restarts_the_client_calls_and_commands_keep_working()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("lifetime-test", (akka, _) => akka.WithOrchestrator(o => o.AddDependency("payments", d => d.Breaker.FailureThreshold = 1)));
        builder.Services.AddGuardedCalls();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var calls = host.Services.GetRequiredService<IGuardedCalls>();
            Assert.True((await calls.CallAsync(Paid)).IsSuccess);
            var supervisor = host.Services.GetRequiredService<ActorRegistry>().Get<DependencySupervisor>();
            var directory = await supervisor.Ask<DependencyDirectory>(GetDependencyDirectory.Instance, Limit);
            var before = directory.Handles["payments"].Actor;

            supervisor.Tell(Kill.Instance); // its parent restarts it, and it makes new dependency actors

            await Eventually(() => !directory.Handles["payments"].Actor.Equals(before) && !directory.Handles["payments"].Gate.IsClosed);
            Assert.True((await calls.CallAsync(Paid)).IsSuccess);
            Assert.Equal(CallOutcome.Failed, (await calls.CallAsync<string>("payments", _ => throw new HttpRequestException("down"))).Outcome);
            var status = await calls.StatusAsync();
            Assert.Equal(BreakerState.Open, Assert.Single(status.Dependencies).Breaker.State); // the new actor owns the breaker
            Assert.Equal(BreakerState.Closed, (await calls.ResetAsync("payments")).State);
            Assert.True((await calls.CallAsync(Paid)).IsSuccess);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task After_the_guardian_restarts_the_same_client_calls_and_the_new_coordinator_switches_its_features()
    {
        var options = new OrchestratorOptions()
            .AddDependency("payments")
            .AddFeature("gift-wrap", Tier.Optional)
            .Validate();
        var parent = Sys.ActorOf(Props.Create(() => new RestartingParent(OrchestratorGuardian.Props(options))), "parent");
        // ActorOf returns before the parent's constructor has run, and a selection looks its children up at once: wait
        // until the parent has answered a message (its constructor, which makes the guardian, ran before).
        await parent.Ask<ActorIdentity>(new Identify(null), Limit);
        var guardian = await Sys.ActorSelection(parent.Path / OrchestratorGuardian.Name).ResolveOne(Limit);
        var first = await guardian.Ask<OrchestratorChildren>(GetOrchestratorChildren.Instance, Limit);
        var client = new GuardedCallsClient(first.Dependencies);
        Assert.True((await client.CallAsync(Paid)).IsSuccess);

        guardian.Tell(Kill.Instance); // its parent restarts it: a new supervisor, coordinator and dependency actors

        OrchestratorChildren? next = null;
        await Eventually(async () =>
        {
            next = await guardian.Ask<OrchestratorChildren>(GetOrchestratorChildren.Instance, Limit);
            return !next.Dependencies.IsNobody() && !next.Dependencies.Equals(first.Dependencies)
                && (await client.CallAsync(Paid)).IsSuccess;
        });
        Assert.Single((await client.StatusAsync()).Dependencies); // through the new supervisor

        var switched = await next!.Coordinator.Ask<FeatureStatus>(new SetFeature("gift-wrap", false), Limit);
        Assert.False(switched.Enabled);
        var off = await client.CallAsync(Paid with { Feature = "gift-wrap" });
        Assert.Equal((CallOutcome.Rejected, DegradationReason.FeatureDisabled), (off.Outcome, off.Reason));
    }

    private static async Task Eventually(Func<bool> condition) => await Eventually(() => Task.FromResult(condition()));

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow + Limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"The condition did not hold within {Limit}.");
            await Task.Delay(20);
        }
    }

    /// <summary>A parent that restarts its child whatever happened to it (the user guardian would stop a killed one).</summary>
    private sealed class RestartingParent : ReceiveActor
    {
        public RestartingParent(Props child) => Context.ActorOf(child, OrchestratorGuardian.Name);

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decider.From(Directive.Restart));
    }
}
