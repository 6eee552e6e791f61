namespace Orchestrator.Clustering;

/// <summary>
/// A cluster-state actor's answer to <see cref="PeerHello"/>, sent to the hello's sender: the sender now holds the
/// answering actor's reference (the reply's sender) for direct publishes, and the way back is warm too. Crosses the wire.
/// </summary>
/// <param name="Node">The answering node's address.</param>
/// <param name="Uid">The answering node's incarnation.</param>
/// <param name="Sample">An entry of no dependency, never merged (see <see cref="PeerHello.Sample"/>).</param>
internal sealed record PeerHelloAck(string Node, long Uid, NodeBreakerEntry Sample);
