using Akka.Hosting;
using Orchestrator.Actors.Hosting;
using Orchestrator.Actors.Root;
using Orchestrator.Contracts;

namespace Orchestrator.Clustering;

/// <summary>Adds cluster-wide sharing of breaker state (and, if asked, stress) to an orchestrator started with Akka.Hosting.</summary>
public static class ClusteringHostingExtensions
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    /// <summary>The builders that share already (calling twice is harmless).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AkkaConfigurationBuilder, OrchestratorOptions> Sharing = new();

    /// <summary>
    /// Shares the orchestrator's breaker state with the other members of the cluster over Akka.DistributedData, as
    /// <c>Orchestrator:Cluster</c> and each dependency's <c>Cluster</c> settings say: a dependency that fails on one
    /// node is known to all. Call it after <c>WithOrchestrator</c>, on an actor system that uses Akka.Cluster
    /// (<c>WithClustering</c> of Akka.Cluster.Hosting). Calling it twice is harmless. When sharing is switched off
    /// (<c>Orchestrator:Cluster:Enabled = false</c>) or the actor system is not clustered, each node keeps its own
    /// breakers. The cluster-state actor is in the <see cref="ActorRegistry"/> (key <see cref="ClusterStateActor"/>)
    /// before any later <c>WithActors</c> callback runs.
    /// </summary>
    /// <exception cref="OrchestratorOptionsException"><c>WithOrchestrator</c> was not called first.</exception>
    public static AkkaConfigurationBuilder WithOrchestratorClustering(this AkkaConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.OrchestratorOptionsOf() ?? throw new OrchestratorOptionsException([
            "WithOrchestratorClustering needs the orchestrator: call WithOrchestrator(...) before it."]);
        if (!Sharing.TryAdd(builder, options)) return builder;
        return builder
            .AddHocon(ClusterSharing.DefaultConfig(options.Cluster), HoconAddMode.Append)
            .WithActors(new ActorStarter(async (system, registry) =>
            {
                if (!options.Cluster.Enabled || !ClusterSharing.IsClustered(system)) return;
                var guardian = registry.Get<OrchestratorGuardian>();
                // Akka.Hosting awaits its starters in order: the cluster-state actor is registered before later ones run.
                await ClusterSharing.StartAsync(guardian, options, StartLimit).ConfigureAwait(false);
            }));
    }

}
