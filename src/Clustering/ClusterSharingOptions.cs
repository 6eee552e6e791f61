using Microsoft.Extensions.Configuration;
using Orchestrator.Actors.Hosting;
using Orchestrator.Contracts;

namespace Orchestrator.Clustering;

/// <summary>
/// What the nodes of an Akka.Cluster share through Akka.DistributedData; section <c>Orchestrator:Cluster</c>, read by
/// this package (<c>WithOrchestratorClustering</c>), not by the core's <see cref="OrchestratorOptions"/>. Ignored when
/// the actor system is not clustered. Frozen when the actor system starts.
/// </summary>
public sealed class ClusterSharingOptions : FreezableOptions
{
    /// <summary>The section's name under the <c>Orchestrator</c> section.</summary>
    public const string SectionName = "Cluster";

    /// <summary>The section's full path, which every error names: <c>Orchestrator:Cluster</c>.</summary>
    public const string SectionPath = OrchestratorOptions.SectionName + ":" + SectionName;

    /// <summary>Whether breaker state is shared with the other nodes when the actor system is clustered. Default true.</summary>
    public bool Enabled { get; set { ThrowIfFrozen(); field = value; } } = true;

    /// <summary>Whether every node degrades to the highest stress level in the cluster, not only its own. Default false.</summary>
    public bool ShareStress { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>
    /// How long a breaker transition's write to every node may take before it is left to gossip (the write is
    /// kept locally either way). Default 1 s.
    /// </summary>
    public TimeSpan PublishTimeout { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Akka.DistributedData's gossip interval, unless <c>akka.cluster.distributed-data.gossip-interval</c> is set
    /// explicitly: how soon a node that missed a write (unreachable, joining) catches up. Default 200 ms (Akka's is 2 s).
    /// </summary>
    public TimeSpan GossipInterval { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Akka.DistributedData's <c>notify-subscribers-interval</c>, unless set explicitly: how soon a change that
    /// arrived is handed to subscribers. Default 50 ms (Akka's is 500 ms).
    /// </summary>
    public TimeSpan NotifyInterval { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Binds the <c>Cluster</c> child of <paramref name="orchestratorSection"/> (the <c>Orchestrator</c> section) into
    /// new options, strictly (<see cref="StrictConfiguration"/>); throws <see cref="OrchestratorOptionsException"/>
    /// naming every unknown key and every value of the wrong type. Not validated: see <see cref="Validate"/>.
    /// </summary>
    public static ClusterSharingOptions Bind(IConfiguration orchestratorSection) =>
        StrictConfiguration.BindPackageSection(orchestratorSection, SectionName, new ClusterSharingOptions());

    /// <summary>Every problem with these options, each naming the setting (<c>Orchestrator:Cluster:...</c>) and the bad value; empty when valid.</summary>
    public IReadOnlyList<string> GetErrors()
    {
        var errors = new List<string>();
        Validate(SectionPath, errors);
        return errors;
    }

    /// <summary>Throws <see cref="OrchestratorOptionsException"/> listing every problem, if there is any.</summary>
    public ClusterSharingOptions Validate()
    {
        var errors = GetErrors();
        if (errors.Count > 0) throw new OrchestratorOptionsException(errors);
        return this;
    }

    private void Validate(string path, List<string> errors)
    {
        if (PublishTimeout <= TimeSpan.Zero || PublishTimeout > TimeSpan.FromMinutes(1))
            errors.Add($"{path}:PublishTimeout must be positive and at most 1 minute, not {PublishTimeout}.");
        if (GossipInterval < TimeSpan.FromMilliseconds(10) || GossipInterval > TimeSpan.FromMinutes(1))
            errors.Add($"{path}:GossipInterval must be between 10 ms and 1 minute, not {GossipInterval}.");
        if (NotifyInterval < TimeSpan.FromMilliseconds(10) || NotifyInterval > TimeSpan.FromMinutes(1))
            errors.Add($"{path}:NotifyInterval must be between 10 ms and 1 minute, not {NotifyInterval}.");
    }
}
