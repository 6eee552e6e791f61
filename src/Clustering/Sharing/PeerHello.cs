namespace Orchestrator.Clustering;

/// <summary>
/// Sent by a cluster-state actor to another member's as soon as that member joins (and again, on a timer, until it
/// answers with <see cref="PeerHelloAck"/>): it resolves the peer's actor and warms the whole path breaker news take
/// (remoting, the serializer on both nodes, the peer's delivery), so that the first real <see cref="NodeBreakerEntry"/>
/// after start travels as fast as later ones. Crosses the wire (the default JSON serializer, like the entries).
/// </summary>
/// <param name="Node">The sender's address (<c>akka.tcp://system@host:port</c>).</param>
/// <param name="Uid">The sender's incarnation.</param>
/// <param name="Sample">An entry of no dependency, never merged: it only makes the receiver deserialize that type once.</param>
internal sealed record PeerHello(string Node, long Uid, NodeBreakerEntry Sample);
