using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Cluster;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Root;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Hosting;

/// <summary>Adds the orchestrator to an Akka.Hosting actor system.</summary>
public static class OrchestratorHostingExtensions
{
    /// <summary>
    /// Starts the orchestrator (<c>/user/orchestrator</c>) with <paramref name="options"/>, validated first: invalid
    /// options throw <see cref="OrchestratorOptionsException"/>, naming each bad setting, before anything starts.
    /// </summary>
    public static AkkaConfigurationBuilder WithOrchestrator(this AkkaConfigurationBuilder builder, OrchestratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return builder
            .AddHocon(ClusterSharing.DefaultConfig(options.Cluster), HoconAddMode.Append)
            .WithActors((system, registry) =>
            {
                var guardian = system.ActorOf(OrchestratorGuardian.Props(options, registry), OrchestratorGuardian.Name);
                registry.Register<OrchestratorGuardian>(guardian);
            })
            .AddStartup(async (system, registry) =>
            {
                // Register the children before the host counts as started, so that nobody waits on the registry
                // while they are being registered.
                var guardian = registry.Get<OrchestratorGuardian>();
                var children = await guardian.Ask<OrchestratorChildren>(GetOrchestratorChildren.Instance, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                registry.Register<DependencySupervisor>(children.Dependencies, overwrite: true);
                registry.Register<Coordination.PriorityCoordinator>(children.Coordinator, overwrite: true);
                if (!children.ClusterState.IsNobody()) registry.Register<ClusterStateActor>(children.ClusterState, overwrite: true);
            });
    }

    /// <summary>Starts the orchestrator with options declared in code.</summary>
    public static AkkaConfigurationBuilder WithOrchestrator(this AkkaConfigurationBuilder builder, Action<OrchestratorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new OrchestratorOptions();
        configure(options);
        return builder.WithOrchestrator(options);
    }

    /// <summary>
    /// Starts the orchestrator with options bound from <paramref name="section"/> (usually the <c>Orchestrator</c>
    /// section of appsettings.json), then changed by <paramref name="configure"/> if given.
    /// </summary>
    public static AkkaConfigurationBuilder WithOrchestrator(this AkkaConfigurationBuilder builder, IConfiguration section,
        Action<OrchestratorOptions>? configure = null)
    {
        var options = OrchestratorOptionsBinder.Bind(section);
        configure?.Invoke(options);
        return builder.WithOrchestrator(options);
    }

    /// <summary>Registers <see cref="IGuardedCalls"/>, the typed client for code that is not an actor, unless it is registered already (calling it twice is harmless).</summary>
    public static IServiceCollection AddGuardedCalls(this IServiceCollection services)
    {
        services.TryAddSingleton<IGuardedCalls>(sp =>
            new GuardedCallsClient(sp.GetRequiredService<IRequiredActor<DependencySupervisor>>()));
        return services;
    }
}
