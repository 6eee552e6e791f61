using Orchestrator.Actors.Cluster;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// How a dependency's breaker acts on what the cluster says of the dependency (the cluster-state actor sends no
/// views under LocalOnly): a closed breaker opens when the policy says so (without spending its own failures); an
/// open one closes when the node that probed saw the dependency recover; one that follows the cluster takes over
/// probing when this node is chosen, or when the prober stays silent too long (see <see cref="OnFollowCheck"/>). Used on the actor's thread only.
/// </summary>
internal sealed class ClusterFollowing(DependencyHandle handle, DependencyState state)
{
    /// <summary>True while the cluster's news closes the breaker (such a close is not a recovery seen here).</summary>
    public bool Releasing { get; private set; }

    /// <summary>Acts on a view; true when the breaker was released (waiting calls may start).</summary>
    public bool OnView(ClusterBreakerView view)
    {
        var breaker = state.Breaker;
        var now = handle.Time.GetUtcNow();
        // News from the prober: it changed, or its entry did (a silent prober is replaced, see OnFollowCheck).
        if (state.LastView is not { } last || last.Prober != view.Prober || last.ProberVersion != view.ProberVersion)
        {
            state.LastClusterNews = now;
            handle.ForgetWanted(); // silence is counted anew, and so is the traffic that makes it matter
        }
        state.LastView = view;
        breaker.ProbesElsewhere = view.ProbesElsewhere && view.Prober != state.SilentProber;
        breaker.Refresh(); // an open period that ended turns into following while another node probes
        var current = breaker.State;
        if (view.RecoveredOn is { } node && current is BreakerState.Open or BreakerState.HalfOpen)
        {
            Releasing = true;
            var released = breaker.Release($"node {node} closed its breaker: the dependency recovered");
            Releasing = false;
            if (released) OrchestratorMetrics.ClusterBreakerAction(handle.Name, "released");
            return released;
        }
        if (breaker.FollowsCluster && view.ProbesHere)
        {
            if (breaker.TakeOverProbing("this node now probes the dependency for the cluster"))
                OrchestratorMetrics.ClusterBreakerAction(handle.Name, "took-over-probing");
        }
        else if (current == BreakerState.Closed && view.PolicyOpens && view.RecoveredOn is null) // a recovery's news outweighs evidence still on its way out
        {
            if (breaker.Follow($"the cluster policy {view.Policy} opens it; opened on {string.Join(", ", view.OpenedOn)}"))
                OrchestratorMetrics.ClusterBreakerAction(handle.Name, "followed");
        }
        return false;
    }

    /// <summary>
    /// A prober that sends no news (no transition at all) gets no traffic, or is stuck: this node stops waiting for it
    /// and probes the dependency itself, half-open at once (it has waited long enough). For a dependency without a
    /// probe of its own whose prober was last seen half-open (its probe due, and a prober with traffic re-opens or
    /// closes at once), that is after one <c>ResetTimeout</c> of silence once callers here want the dependency
    /// (<see cref="DependencyHandle.IsWantedWhileFollowing"/>); otherwise (no callers here, a prober inside its open
    /// period, or a dependency whose prober runs its own probe on schedule) after twice the longest open period. False when the check is no longer
    /// needed; <paramref name="lookAgainIn"/>: when callers want the dependency but the silence is not yet long enough,
    /// when to look again.
    /// </summary>
    public bool OnFollowCheck(out TimeSpan? lookAgainIn)
    {
        lookAgainIn = null;
        var breaker = state.Breaker;
        if (!breaker.FollowsCluster) return false;
        var options = handle.Options.Breaker;
        var silence = handle.Time.GetUtcNow() - state.LastClusterNews;
        var wanted = handle.Options.Probe is null && handle.IsWantedWhileFollowing && state.LastView is { ProberHalfOpen: true };
        var limit = wanted ? options.ResetTimeout : options.MaxResetTimeout * 2;
        if (silence < limit)
        {
            if (wanted) lookAgainIn = limit - silence;
            return true;
        }
        var prober = state.LastView?.Prober;
        state.SilentProber = prober;
        breaker.ProbesElsewhere = false;
        var why = wanted ? ", while callers here want it" : "";
        if (breaker.TakeOverProbing($"no news from {prober ?? "the node that probes for the cluster"} for {silence.TotalSeconds:0.#} s{why}", probeNow: true))
            OrchestratorMetrics.ClusterBreakerAction(handle.Name, "took-over-probing");
        return true;
    }

    /// <summary>Why the breaker is open while it follows the cluster, for the callers it turns away.</summary>
    public string FollowingDetail() =>
        $"The circuit breaker of '{handle.Name}' is open on the cluster's evidence ({Evidence()}); {state.LastView?.Prober ?? "another node"} probes the dependency.";

    private string Evidence() =>
        state.LastView is { OpenedOn.Count: > 0 } view ? $"opened on {string.Join(", ", view.OpenedOn)}" : "no node with evidence left";
}
