namespace Orchestrator.Actors.Cluster;

/// <summary>
/// What the cluster says of one dependency, pushed by the cluster-state actor to the dependency's actor whenever
/// it changes. The actor acts on it (<c>DependencyActor.OnClusterView</c>); it never asks for it.
/// </summary>
/// <param name="Dependency">The dependency.</param>
/// <param name="Policy">The policy in words, for logs.</param>
/// <param name="PolicyOpens">Whether enough reachable nodes opened the breaker on their own evidence for the policy to open it here.</param>
/// <param name="OpenedOn">Reachable nodes whose breaker is open on their own evidence.</param>
/// <param name="Prober">The one node that probes while the dependency recovers; null when no reachable node sees it open.</param>
/// <param name="ProbesHere">Whether <see cref="Prober"/> is this node.</param>
/// <param name="ProberVersion">The version of the prober's entry: it changes with every transition there, so followers hear that the prober is alive.</param>
/// <param name="RecoveredOn">A node whose own open breaker just closed (its probe succeeded, or it was reset by hand); null if none did since the last view.</param>
internal sealed record ClusterBreakerView(
    string Dependency,
    string Policy,
    bool PolicyOpens,
    IReadOnlyList<string> OpenedOn,
    string? Prober,
    bool ProbesHere,
    long ProberVersion,
    string? RecoveredOn)
{
    /// <summary>
    /// Whether the prober's breaker is half-open: its probe is due. A prober that stays so without news has nothing to
    /// probe with (no traffic, no probe of its own); one that probes re-opens or closes at once.
    /// </summary>
    public bool ProberHalfOpen { get; init; }

    /// <summary>Whether another node probes the dependency while it recovers.</summary>
    public bool ProbesElsewhere => Prober is not null && !ProbesHere;

    /// <summary>Whether <paramref name="other"/> says the same (the lists compared by content).</summary>
    public bool SaysTheSameAs(ClusterBreakerView other) =>
        Dependency == other.Dependency && Policy == other.Policy && PolicyOpens == other.PolicyOpens && Prober == other.Prober &&
        ProbesHere == other.ProbesHere && ProberVersion == other.ProberVersion && ProberHalfOpen == other.ProberHalfOpen && RecoveredOn == other.RecoveredOn && OpenedOn.SequenceEqual(other.OpenedOn);
}
