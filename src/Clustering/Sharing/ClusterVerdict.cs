using Orchestrator.Actors.Cluster;
using Orchestrator.Contracts;

namespace Orchestrator.Clustering;

/// <summary>
/// The policy maths of a dependency's breaker across the cluster, without actors: from the entries of the
/// reachable nodes, which nodes opened it on their own evidence, whether the policy opens it everywhere, and which
/// one node probes it while it recovers. Every node computes the same answer from the same entries.
/// </summary>
internal static class ClusterVerdict
{
    /// <summary>
    /// Judges <paramref name="dependency"/>. <paramref name="reachable"/> holds the entries of reachable nodes only
    /// (a node with no entry has a closed breaker); <paramref name="reachableNodes"/> counts those nodes, this one included.
    /// Entries for which <paramref name="overtaken"/> says true are open on evidence older than a recovery seen since:
    /// they are shown, but do not count toward the policy.
    /// </summary>
    public static ClusterBreakerStatus Judge(string dependency, ClusterBreakerOptions options, IEnumerable<NodeBreakerEntry> reachable,
        int reachableNodes, Func<NodeBreakerEntry, bool>? overtaken = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var nodes = reachable.Where(e => e.Dependency == dependency).OrderBy(e => e.Node, StringComparer.Ordinal).ToList();
        var openedOn = nodes.Where(e => e.CountsAsOpen && overtaken?.Invoke(e) != true).Select(e => e.Node).ToList();
        var seenOpenOn = nodes.Where(e => e.State != BreakerState.Closed).Select(e => e.Node).ToList();
        var required = options.RequiredOpen(Math.Max(1, reachableNodes));
        var policyOpens = required is { } r && openedOn.Count >= r;
        // The prober: a node whose breaker is open or half-open on its own evidence (it holds the reset timeout),
        // else any node that sees it open (the evidence left with its node); the lowest address, so that every node
        // picks the same.
        // An isolated node never probes (an operator holds it open), so it is never chosen.
        var candidates = nodes.Where(e => e.State is BreakerState.Open or BreakerState.HalfOpen).ToList();
        var prober = options.Policy == ClusterPolicy.LocalOnly
            ? null
            : candidates.FirstOrDefault(e => e.IsEvidence)?.Node ?? candidates.FirstOrDefault()?.Node;
        return new ClusterBreakerStatus(dependency, options.Describe(Math.Max(1, reachableNodes)),
            nodes.Select(e => new NodeBreakerStatus(e.Node, e.State, e.FollowsCluster, e.Version)).ToList(),
            openedOn, seenOpenOn, policyOpens, prober);
    }

    /// <summary>The view pushed to the dependency's actor on node <paramref name="self"/>.</summary>
    public static ClusterBreakerView ViewFor(ClusterBreakerStatus status, string self, string? recoveredOn)
    {
        var prober = status.Nodes.FirstOrDefault(n => n.Node == status.Prober);
        return new(status.Dependency, status.Policy, status.PolicyOpens, status.OpenedOn, status.Prober, status.Prober == self, prober?.Version ?? 0, recoveredOn)
        {
            ProberHalfOpen = prober?.State == BreakerState.HalfOpen,
        };
    }

    /// <summary>
    /// Whether going from <paramref name="before"/> to <paramref name="after"/> (one node's entry) says the dependency
    /// recovered there since: a breaker open on that node's own evidence closed (its probe succeeded, or it was reset
    /// by hand), even if the state seen now is a later one.
    /// </summary>
    public static bool Recovered(NodeBreakerEntry? before, NodeBreakerEntry after) =>
        before is not null && after.Version > before.Version && after.Recoveries > before.Recoveries;
}
