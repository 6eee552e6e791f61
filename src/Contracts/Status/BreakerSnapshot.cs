namespace Orchestrator.Contracts;

/// <summary>A circuit breaker's state and counts at one moment.</summary>
/// <param name="State">Closed, open, half-open or isolated.</param>
/// <param name="ConsecutiveFailures">Failures in a row since the last success.</param>
/// <param name="WindowCalls">Calls recorded in the sliding window.</param>
/// <param name="WindowFailures">Failures recorded in the sliding window.</param>
/// <param name="WindowSlowCalls">Slow calls recorded in the sliding window.</param>
/// <param name="Trips">Times the breaker opened since it last closed after a recovery.</param>
/// <param name="OpenUntil">When an open breaker lets its first probe through.</param>
/// <param name="LastTransitionAt">When the state last changed.</param>
public sealed record BreakerSnapshot(
    BreakerState State,
    int ConsecutiveFailures,
    int WindowCalls,
    int WindowFailures,
    int WindowSlowCalls,
    int Trips,
    DateTimeOffset? OpenUntil,
    DateTimeOffset LastTransitionAt)
{
    /// <summary>Whether the breaker is open on other nodes' evidence (it then has no reset timeout of its own).</summary>
    public bool FollowsCluster { get; init; }
}
