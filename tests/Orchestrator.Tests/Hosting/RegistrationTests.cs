using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Coordination;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Hosting;
using Orchestrator.Clustering;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Hosting;

/// <summary>Akka.Hosting conventions: entry actors registered before later callbacks, idempotent registration, frozen options.</summary>
public sealed class RegistrationTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private static IHost Build(Action<AkkaConfigurationBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("registration-test", (akka, _) => configure(akka));
        builder.Services.AddGuardedCalls().AddChaos().AddChaos();
        return builder.Build();
    }

    [Fact]
    public async Task The_supervisor_and_coordinator_are_in_the_registry_when_later_WithActors_callbacks_run()
    {
        IActorRef? supervisor = null, coordinator = null;
        using var host = Build(akka => akka
            .WithOrchestrator(o => o.AddDependency("payments"))
            .WithActors((_, registry) =>
            {
                supervisor = registry.Get<DependencySupervisor>();
                coordinator = registry.Get<PriorityCoordinator>();
            }));
        await host.StartAsync();
        try
        {
            Assert.NotNull(supervisor);
            Assert.NotNull(coordinator);
            Assert.False(supervisor.IsNobody());
            Assert.False(coordinator.IsNobody());
            // The ref a callback got is the live supervisor: a call told to it is answered.
            var result = await supervisor.Ask<CallResult<string>>(new GuardedCall<string>("payments", _ => Task.FromResult("paid")), Limit);
            Assert.Equal("paid", result.Value);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Calling_WithOrchestrator_twice_starts_one_orchestrator_with_what_both_declared()
    {
        using var host = Build(akka => akka
            .WithOrchestrator(o => o.AddDependency("payments"))
            .WithOrchestrator(o => o.AddDependency("inventory"))
            .WithOrchestratorClustering()
            .WithOrchestratorClustering());
        await host.StartAsync();
        try
        {
            var status = await host.Services.GetRequiredService<IGuardedCalls>().StatusAsync();
            Assert.Equal(["inventory", "payments"], status.Dependencies.Select(d => d.Name).Order());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void The_same_options_twice_change_nothing_and_other_options_are_refused_naming_the_problem()
    {
        var options = new OrchestratorOptions().AddDependency("payments");
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "x");
        builder.WithOrchestrator(options).WithOrchestrator(options);

        var error = Assert.Throws<OrchestratorOptionsException>(() => builder.WithOrchestrator(new OrchestratorOptions().AddDependency("inventory")));
        Assert.Contains("WithOrchestrator was called again with other options", error.Message);
    }

    [Fact]
    public void Clustering_before_the_orchestrator_is_refused_naming_the_order()
    {
        var error = Assert.Throws<OrchestratorOptionsException>(() => new AkkaConfigurationBuilder(new ServiceCollection(), "x").WithOrchestratorClustering());
        Assert.Contains("call WithOrchestrator(...) before it", error.Message);
    }

    [Fact]
    public async Task Options_are_frozen_once_the_orchestrator_has_validated_them()
    {
        var options = new OrchestratorOptions().AddDependency("payments", d => d.Retry.RetryOn.Add("System.TimeoutException"));
        Assert.False(options.IsFrozen);
        options.Dependencies["payments"].Timeout = TimeSpan.FromSeconds(3); // still free before start
        using var host = Build(akka => akka.WithOrchestrator(options));
        await host.StartAsync();
        try
        {
            Assert.True(options.IsFrozen);
            var payments = options.Dependencies["payments"];
            var error = Assert.Throws<InvalidOperationException>(() => payments.Timeout = TimeSpan.FromSeconds(1));
            Assert.Contains("DependencyOptions.Timeout", error.Message);
            Assert.Throws<InvalidOperationException>(() => payments.Breaker.FailureThreshold = 1);
            Assert.Throws<InvalidOperationException>(() => options.AddDependency("inventory"));
            Assert.Throws<NotSupportedException>(() => options.Dependencies["inventory"] = new DependencyOptions());
            Assert.Throws<NotSupportedException>(() => payments.Retry.RetryOn.Add("System.IO.IOException"));
            Assert.Equal(TimeSpan.FromSeconds(3), (await host.Services.GetRequiredService<IGuardedCalls>().StatusAsync()).Dependencies[0].DefaultTimeout);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task The_chaos_client_injects_a_fault_that_calls_feel_and_clears_it()
    {
        using var host = Build(akka => akka.WithOrchestrator(o =>
        {
            o.Chaos.Enabled = true;
            o.AddDependency("payments", d => d.Breaker.FailureThreshold = 10);
        }));
        await host.StartAsync();
        try
        {
            var chaos = host.Services.GetRequiredService<IChaos>();
            var calls = host.Services.GetRequiredService<IGuardedCalls>();
            var injected = await chaos.InjectAsync("payments", new Fault(FaultKind.Error) { Duration = TimeSpan.FromMinutes(5) });
            Assert.True(injected.Accepted, injected.Error);
            var failed = await calls.CallAsync("payments", _ => Task.FromResult("paid"));
            Assert.IsType<InjectedFaultException>(failed.Error);
            Assert.Equal(1, (await calls.StatusAsync()).Dependencies[0].Fault?.Affected);

            Assert.True((await chaos.ClearAsync("payments")).Accepted);
            Assert.Equal("paid", (await calls.CallAsync("payments", _ => Task.FromResult("paid"))).Value);
            Assert.False((await chaos.InjectAsync("nope", new Fault(FaultKind.Hang))).Accepted);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
