using Orchestrator.Actors.Retry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>How long a caller waiting on a dependency's actor may wait before it gives up on an answer.</summary>
internal static class AnswerTime
{
    /// <summary>
    /// The longest <paramref name="handle"/>'s dependency can take to answer <paramref name="call"/>: until its
    /// deadline, or the queue wait, every attempt with its largest backoff (and a wait for the rate limit's permits,
    /// when calls may wait for them), its hedges, and the fallback chain (replica and call fallback); plus <paramref name="grace"/>.
    /// </summary>
    public static TimeSpan Longest(DependencyHandle handle, GuardedCall call, TimeProvider time, TimeSpan grace, DependencyOptions? options = null)
    {
        if (call.Deadline is { } deadline)
        {
            var left = deadline - time.GetUtcNow();
            return (left > TimeSpan.Zero ? left : TimeSpan.Zero) + grace;
        }
        options ??= handle.Options;
        var timeout = call.Timeout ?? options.Timeout;
        var retry = options.Retry;
        var total = timeout; // waiting in the queue
        var waitsForPermits = options.RateLimit is { Enabled: true, QueueLimit: > 0 };
        for (var attempt = 1; attempt <= retry.MaxAttempts; attempt++)
        {
            total += timeout;
            if (waitsForPermits) total += timeout; // each attempt may wait for the rate limit's permits, then queue for a slot
            if (attempt < retry.MaxAttempts) total += Backoff.Ceiling(attempt, retry.BaseDelay, retry.MaxDelay) + timeout; // a retry may queue too
        }
        // Each hedge may start up to its delay after the one before (a percentile of answers is at most the timeout)
        // and runs at most the timeout; a hedge on the replica has the same time.
        if (options.Hedging is { Enabled: true } hedging)
            total += (hedging.Percentile is null ? hedging.Delay : (hedging.Delay > timeout ? hedging.Delay : timeout)) * hedging.MaxHedges + timeout;
        if (options.Replica is not null) total += timeout * 2;
        if (call.HasFallback) total += timeout;
        return total + grace;
    }
}
