using Orchestrator.Contracts;

namespace Orchestrator.Actors.Cluster;

/// <summary>
/// Published on the actor system's event stream by a dependency actor on every breaker transition; the
/// cluster-state actor writes it to the replicated map at once.
/// </summary>
/// <param name="Dependency">The dependency.</param>
/// <param name="State">The breaker's new state.</param>
/// <param name="FollowsCluster">Whether it is open on other nodes' evidence.</param>
/// <param name="Recovered">Whether this closing is a recovery seen here (a probe succeeded, or a reset by hand), not a release by the cluster.</param>
internal sealed record LocalBreakerChanged(string Dependency, BreakerState State, bool FollowsCluster, bool Recovered = false);
