namespace Orchestrator.Clustering;

/// <summary>Asks the cluster-state actor for its links to the other members' cluster-state actors; the answer is <see cref="PeerLinks"/>. Local only.</summary>
internal sealed record GetPeerLinks
{
    /// <summary>The one instance.</summary>
    public static readonly GetPeerLinks Instance = new();

    private GetPeerLinks()
    {
    }
}
