using Orchestrator.Actors.Hedging;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>A dependency's status as its actor reports it: breaker, bulkhead, counts, cache, rate limit, retries, replica, fault.</summary>
internal static class StatusReport
{
    /// <summary>The status of <paramref name="handle"/>'s dependency now (its actor's state is <paramref name="state"/>).</summary>
    public static DependencyStatus Of(DependencyHandle handle, DependencyState state)
    {
        var options = handle.Options;
        var gate = handle.Gate;
        var bulkhead = state.Bulkhead;
        return new DependencyStatus(handle.Name, state.Breaker.Snapshot(),
            new BulkheadSnapshot(bulkhead.InFlight, bulkhead.Queued, bulkhead.MaxConcurrency, bulkhead.QueueCapacity, gate.RejectingReported, gate.RejectedTotal),
            handle.Stats.Snapshot(), options.Timeout)
        {
            Cache = handle.Cache is { } cache ? new CacheSnapshot(cache.Count, cache.Hits, cache.StaleServed, cache.Misses, cache.Evictions) : null,
            Retry = options.Retry.MaxAttempts > 1
                ? new RetrySnapshot(state.Retries, state.RetriesDenied, state.Budget.Totals().Attempts, state.Budget.Totals().Retries)
                : null,
            Hedging = options.Hedging is { Enabled: true } hedging
                ? new HedgingSnapshot(hedging.MaxHedges, hedging.Target, HedgeDelay.For(hedging, state.Latencies), state.HedgesStarted, state.HedgesWon, state.HedgesSkipped)
                : null,
            RateLimit = handle.RateLimit is { } limit
                ? new RateLimitSnapshot(limit.Options.PermitsPerPeriod, limit.Options.Period, limit.Options.Algorithm, limit.Available, limit.Waiting,
                    limit.Options.QueueLimit, limit.Granted, limit.Refused, limit.Limiting)
                : null,
            Replica = options.Replica,
            Fault = handle.Fault?.Status(),
            LastOptionsChange = handle.LastOptionsChange,
        };
    }
}
