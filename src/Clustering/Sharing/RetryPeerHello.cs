using Akka.Cluster;

namespace Orchestrator.Clustering;

/// <summary>The cluster-state actor's timer: say hello again to <paramref name="Peer"/>, which has not answered yet. Local only.</summary>
/// <param name="Peer">The member (incarnation) to greet.</param>
internal sealed record RetryPeerHello(UniqueAddress Peer);
