using System.Diagnostics;
using Orchestrator.Actors.Caching;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Pipeline;

/// <summary>
/// The one fallback chain, walked for every kind of missing primary answer (a failure, a timeout, an open breaker,
/// a full bulkhead, a shed call, a feature switched off), wherever it happens: the cache (a fresh answer, or a
/// stale one with stale-on-error), the replica (a guarded call of another dependency), the call's own fallback,
/// the dependency's default; else the call is <c>Rejected</c> (never ran) or <c>Failed</c> (ran). Past the
/// deadline there is no chain: the answer would be useless. The report names the step that answered and, in its
/// trail, why each earlier step did not.
/// </summary>
internal static class FallbackChain
{
    /// <summary>The longest a fallback is given (a CancellationTokenSource cannot wait longer than about 49 days).</summary>
    private static readonly TimeSpan MaxFallbackTime = TimeSpan.FromDays(1);

    /// <summary>
    /// Walks the chain; completes at once unless a step runs user code (the replica, the call's fallback). When the
    /// call has a span, the walk has its own (<see cref="OrchestratorTracing.FallbackSpan"/>), current while the steps
    /// start, so that the replica's call and the call's fallback are its children.
    /// </summary>
    public static ValueTask<CallReport> Walk(IChainHost host, ChainRequest request)
    {
        if (request.Span is null) return WalkSteps(host, request);
        var before = Activity.Current;
        var span = OrchestratorTracing.StartFallback(request.Span, host.Name, request.Reason);
        ValueTask<CallReport> walk;
        try
        {
            walk = WalkSteps(host, request);
        }
        finally
        {
            Activity.Current = before;
        }
        if (!walk.IsCompletedSuccessfully) return new(EndLaterAsync(walk, span));
        OrchestratorTracing.EndFallback(span, walk.Result);
        return walk;
    }

    private static async Task<CallReport> EndLaterAsync(ValueTask<CallReport> walk, Activity? span)
    {
        var report = await walk.ConfigureAwait(false);
        OrchestratorTracing.EndFallback(span, report);
        return report;
    }

    private static ValueTask<CallReport> WalkSteps(IChainHost host, ChainRequest request)
    {
        var trail = new List<ChainStep>(request.Before.Count + 3);
        trail.AddRange(request.Before);
        trail.Add(new ChainStep("primary", request.Reason, request.Detail));
        if (request.Reason == DegradationReason.DeadlineExceeded) return new(End(request, trail));

        if (FromCache(host, request, trail) is { } cached) return new(cached);
        if (host.Options.Replica is { } replica && !request.ReplicaAsked)
        {
            if (request.Call.HasReplicaWork) return new(FromReplicaAsync(host, request, trail, replica));
            trail.Add(new ChainStep($"replica:{replica}", DegradationReason.Unavailable, "The call carries no replica work."));
        }
        return AfterReplica(host, request, trail);
    }

    private static ValueTask<CallReport> AfterReplica(IChainHost host, ChainRequest request, List<ChainStep> trail) =>
        request.Call.HasFallback ? new(FromCallFallbackAsync(host, request, trail)) : new(FromDefault(host, request, trail));

    /// <summary>A fresh answer always; a stale one with stale-on-error.</summary>
    private static CallReport? FromCache(IChainHost host, ChainRequest request, List<ChainStep> trail)
    {
        if (host.Cache is not { } cache || CacheKeys.For(request.Call) is not { } key) return null;
        var staleOnError = host.Options.Cache.StaleOnError;
        var lookup = cache.Peek(key);
        if (lookup.Hit == CacheHit.Fresh || (lookup.Hit == CacheHit.Stale && staleOnError))
        {
            cache.CountStaleServed();
            return Answer(request, trail, CallOutcome.Fallback, lookup.Value, FallbackSource.StaleCache, request.Detail) with
            {
                Freshness = lookup.Hit == CacheHit.Fresh ? ValueFreshness.Cached : ValueFreshness.Stale,
                Age = lookup.Age,
            };
        }
        if (staleOnError) trail.Add(new ChainStep("stale-cache", DegradationReason.Unavailable, $"Nothing is cached for key '{request.Call.Key}'."));
        return null;
    }

    /// <summary>Asks the replica (through its own pipeline) the call's replica work.</summary>
    private static async Task<CallReport> FromReplicaAsync(IChainHost host, ChainRequest request, List<ChainStep> trail, string replica)
    {
        if (request.Offload) await Task.Yield(); // the replica's work may run inline: not on an actor's or a sender's thread
        ICallResult? result = null;
        Exception? error = null;
        try
        {
            if (host.AskReplica(request.Call.ForReplica(replica)) is not { } asked)
            {
                trail.Add(new ChainStep($"replica:{replica}", DegradationReason.Unavailable, $"The replica '{replica}' is not reachable from here."));
                return await AfterReplica(host, request, trail).ConfigureAwait(false);
            }
            result = await asked.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
        }
        if (result is { Outcome: CallOutcome.Succeeded or CallOutcome.Fallback })
            return Answer(request, trail, CallOutcome.Fallback, result.BoxedValue, FallbackSource.Replica,
                $"{request.Detail} Answered by the replica '{replica}'; the data may be stale.") with
            {
                Freshness = ValueFreshness.PossiblyStale,
                Age = result.Age,
            };
        trail.Add(result is not null
            ? new ChainStep($"replica:{replica}", result.Reason, result.Detail)
            : new ChainStep($"replica:{replica}", DegradationReason.ActorFailure, error?.Message));
        return await AfterReplica(host, request, trail).ConfigureAwait(false);
    }

    /// <summary>Runs the call's own fallback, told the reason, given until the deadline (else the call's timeout).</summary>
    private static async Task<CallReport> FromCallFallbackAsync(IChainHost host, ChainRequest request, List<ChainStep> trail)
    {
        if (request.Offload) await Task.Yield(); // never run user code on an actor's or a sender's thread
        var call = request.Call;
        var limit = call.Deadline is { } deadline ? deadline - host.Time.GetUtcNow() : call.Timeout ?? host.Options.Timeout;
        try
        {
            using var cancellation = new CancellationTokenSource(limit <= TimeSpan.Zero ? TimeSpan.Zero : limit < MaxFallbackTime ? limit : MaxFallbackTime);
            var value = await call.InvokeFallbackAsync(new FallbackContext(call.Dependency, request.Reason, request.Error), cancellation.Token).ConfigureAwait(false);
            return Answer(request, trail, CallOutcome.Fallback, value, FallbackSource.CallFallback, request.Detail);
        }
        catch (Exception e)
        {
            trail.Add(new ChainStep("call-fallback", DegradationReason.Error, e.Message));
            return new CallReport(CallOutcome.Failed, null, request.Reason, null, e,
                $"{request.Detail} Its fallback failed too: {e.GetType().Name}: {e.Message}", TimeSpan.Zero, request.Attempts) { Trail = [.. trail] };
        }
    }

    private static CallReport FromDefault(IChainHost host, ChainRequest request, List<ChainStep> trail) =>
        host.Options.DefaultFallback is { } value && request.Call.ResultType.IsInstanceOfType(value)
            ? Answer(request, trail, CallOutcome.Fallback, value, FallbackSource.DependencyDefault, request.Detail)
            : End(request, trail);

    /// <summary>No step answered: rejected if the work never ran, failed if it did.</summary>
    private static CallReport End(ChainRequest request, List<ChainStep> trail) =>
        Answer(request, trail, request.Attempts == 0 ? CallOutcome.Rejected : CallOutcome.Failed, null, null, request.Detail);

    private static CallReport Answer(ChainRequest request, List<ChainStep> trail, CallOutcome outcome, object? value, FallbackSource? source, string detail) =>
        new(outcome, value, request.Reason, source, request.Error, detail, TimeSpan.Zero, request.Attempts) { Trail = [.. trail] };
}
