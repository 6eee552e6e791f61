using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Orchestrator.Actors.Hosting;
using Orchestrator.Actors.Root;
using Orchestrator.Contracts;

namespace Orchestrator.Clustering;

/// <summary>Adds cluster-wide sharing of breaker state (and, if asked, stress) to an orchestrator started with Akka.Hosting.</summary>
public static class ClusteringHostingExtensions
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    /// <summary>The builders that share already, with their sharing options (calling twice is harmless).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AkkaConfigurationBuilder, ClusterSharingOptions> Sharing = new();

    /// <summary>
    /// Shares the orchestrator's breaker state with the other members of the cluster over Akka.DistributedData, as
    /// <paramref name="options"/> (default: <c>new ClusterSharingOptions()</c>) and each dependency's <c>Cluster</c>
    /// settings say: a dependency that fails on one node is known to all. Call it after <c>WithOrchestrator</c>, on an
    /// actor system that uses Akka.Cluster (<c>WithClustering</c> of Akka.Cluster.Hosting). When sharing is switched
    /// off (<see cref="ClusterSharingOptions.Enabled"/> false) or the actor system is not clustered, each node keeps its
    /// own breakers. The options are validated at once and frozen when the actor system starts. The cluster-state
    /// actor is in the <see cref="ActorRegistry"/> (key <see cref="ClusterStateActor"/>) before any later
    /// <c>WithActors</c> callback runs.
    /// </summary>
    /// <remarks>
    /// Calling it again with no options, or with the same ones, changes nothing; with other options it throws
    /// <see cref="OrchestratorOptionsException"/> (an actor system shares one way).
    /// </remarks>
    /// <exception cref="OrchestratorOptionsException"><c>WithOrchestrator</c> was not called first, or <paramref name="options"/> are invalid (each error names the setting, <c>Orchestrator:Cluster:...</c>).</exception>
    public static AkkaConfigurationBuilder WithOrchestratorClustering(this AkkaConfigurationBuilder builder, ClusterSharingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var orchestrator = builder.OrchestratorOptionsOf() ?? throw new OrchestratorOptionsException([
            "WithOrchestratorClustering needs the orchestrator: call WithOrchestrator(...) before it."]);
        if (Sharing.TryGetValue(builder, out var sharing))
        {
            if (options is not null && !ReferenceEquals(options, sharing))
                throw new OrchestratorOptionsException([
                    "WithOrchestratorClustering was called again with other options: an actor system shares its breakers one way. " +
                    "Give the options to the first call only."]);
            return builder;
        }
        sharing = (options ?? new ClusterSharingOptions()).Validate();
        Sharing.Add(builder, sharing);
        return builder
            .AddHocon(ClusterSharing.DefaultConfig(sharing), HoconAddMode.Append)
            .WithActors(new ActorStarter(async (system, registry) =>
            {
                sharing.Validate().Freeze();
                if (!sharing.Enabled || !ClusterSharing.IsClustered(system)) return;
                var guardian = registry.Get<OrchestratorGuardian>();
                // Akka.Hosting awaits its starters in order: the cluster-state actor is registered before later ones run.
                await ClusterSharing.StartAsync(guardian, orchestrator, sharing, StartLimit).ConfigureAwait(false);
            }));
    }

    /// <summary>
    /// Shares breaker state as <see cref="WithOrchestratorClustering(AkkaConfigurationBuilder, ClusterSharingOptions?)"/>
    /// does, with options bound from the <c>Cluster</c> child of <paramref name="orchestratorSection"/> (the
    /// <c>Orchestrator</c> section, the one given to <c>WithOrchestrator</c>: settings <c>Orchestrator:Cluster:*</c>),
    /// then changed by <paramref name="configure"/> if given, and validated at once.
    /// </summary>
    /// <exception cref="OrchestratorOptionsException">A key of <c>Orchestrator:Cluster</c> is unknown, a value is of the wrong type or invalid, or <c>WithOrchestrator</c> was not called first; each error names the setting.</exception>
    public static AkkaConfigurationBuilder WithOrchestratorClustering(this AkkaConfigurationBuilder builder, IConfiguration orchestratorSection,
        Action<ClusterSharingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(orchestratorSection);
        var options = ClusterSharingOptions.Bind(orchestratorSection);
        configure?.Invoke(options);
        return builder.WithOrchestratorClustering(options);
    }
}
