using Orchestrator.Contracts;

namespace Orchestrator.Clustering;

/// <summary>
/// One node's breaker for one dependency, as that node published it in the replicated map. Only its own node
/// writes it, and every write carries a higher <see cref="Version"/>, so readers order entries by version, never by
/// clock: a node with a skewed clock cannot make an old state win.
/// </summary>
/// <param name="Dependency">The dependency.</param>
/// <param name="Node">The node's address (<c>akka.tcp://system@host:port</c>).</param>
/// <param name="Uid">The node's incarnation: a restarted node on the same address is a new writer.</param>
/// <param name="State">The breaker's state there.</param>
/// <param name="FollowsCluster">Whether it is open on other nodes' evidence, not its own.</param>
/// <param name="Version">The node's counter for this dependency; grows with every transition.</param>
/// <param name="Recoveries">
/// How often the breaker there closed after being open on its own evidence (a probe succeeded, or a reset by hand).
/// A counter rather than a transition, so a reader that misses the closed state itself (it saw only a later one)
/// still learns of the recovery.
/// </param>
internal sealed record NodeBreakerEntry(string Dependency, string Node, long Uid, BreakerState State, bool FollowsCluster, long Version, long Recoveries = 0)
{
    /// <summary>The entry's key in the replicated map.</summary>
    public string Key => KeyOf(Dependency, Node, Uid);

    /// <summary>Whether the breaker there is open (or half-open, or isolated) on that node's own evidence.</summary>
    public bool IsEvidence => State != BreakerState.Closed && !FollowsCluster;

    /// <summary>
    /// Whether the entry counts toward a cluster policy: open or isolated on that node's own evidence. A half-open
    /// breaker is testing a recovery, not failing: it still probes, but it opens no other node's breaker.
    /// </summary>
    public bool CountsAsOpen => State is BreakerState.Open or BreakerState.Isolated && !FollowsCluster;

    /// <summary>The key of <paramref name="dependency"/>'s entry of the node <paramref name="node"/> (incarnation <paramref name="uid"/>).</summary>
    public static string KeyOf(string dependency, string node, long uid) => $"{dependency}|{node}#{uid}";
}
