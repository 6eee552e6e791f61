using Orchestrator.Contracts;

namespace Orchestrator.Actors.Breaker;

/// <summary>A change of breaker state, with the reason a person would want in the log.</summary>
/// <param name="From">The state before.</param>
/// <param name="To">The state after.</param>
/// <param name="Reason">Why, in words ("5 consecutive failures", "probe succeeded").</param>
/// <param name="OpenFor">For a transition to Open: how long it stays open.</param>
internal sealed record BreakerTransition(BreakerState From, BreakerState To, string Reason, TimeSpan? OpenFor = null)
{
    /// <summary>Whether the breaker is now open on other nodes' evidence, not its own.</summary>
    public bool FollowsCluster { get; init; }
}
