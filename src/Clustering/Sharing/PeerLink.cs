using Akka.Actor;

namespace Orchestrator.Clustering;

/// <summary>The cluster-state actor's link to one other member (one incarnation) of the cluster.</summary>
/// <param name="Node">The member's address.</param>
/// <param name="Uid">The member's incarnation.</param>
/// <param name="State">Warming or warm.</param>
/// <param name="Hellos">Hellos sent to it so far.</param>
/// <param name="Peer">Its cluster-state actor, once resolved (<see cref="PeerLinkState.Warm"/>).</param>
internal sealed record PeerLink(string Node, long Uid, PeerLinkState State, int Hellos, IActorRef? Peer);
