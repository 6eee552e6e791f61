namespace Orchestrator.Actors.Cluster;

/// <summary>The answer to <see cref="GetPeerLinks"/>: one link per other member, ordered by address.</summary>
/// <param name="Links">The links.</param>
public sealed record PeerLinks(IReadOnlyList<PeerLink> Links);
