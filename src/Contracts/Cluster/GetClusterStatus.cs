namespace Orchestrator.Contracts;

/// <summary>Asks the cluster-state actor for <see cref="ClusterStatus"/>.</summary>
public sealed record GetClusterStatus
{
    /// <summary>The one instance.</summary>
    public static readonly GetClusterStatus Instance = new();
}
