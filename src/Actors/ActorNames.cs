namespace Orchestrator.Actors;

/// <summary>The names of the orchestrator's actors: <c>/user/orchestrator/{dependencies, coordinator, cluster-state}</c>.</summary>
internal static class ActorNames
{
    /// <summary>The orchestrator's root actor.</summary>
    public const string Guardian = "orchestrator";

    /// <summary>The dependencies supervisor.</summary>
    public const string Dependencies = "dependencies";

    /// <summary>The priority coordinator.</summary>
    public const string Coordinator = "coordinator";

    /// <summary>The bridge to the cluster's shared state.</summary>
    public const string ClusterState = "cluster-state";
}
