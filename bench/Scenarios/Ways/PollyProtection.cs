using Orchestrator.Bench.Scenarios.Definitions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Hedging;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace Orchestrator.Bench.Scenarios.Ways;

/// <summary>
/// One Polly.Core pipeline per dependency, with the strategies the orchestrator has: the caller's deadline as a
/// total timeout, then retries (not of calls the breaker or the limiter turned away), a concurrency limiter, a
/// circuit breaker and a timeout per attempt. An error or a rejection falls back (or fails a CRITICAL call).
/// Polly has no tiers: every call is treated alike.
/// <para>
/// With a <paramref name="hedgeDelay"/>, Polly's hedging strategy sits between the retry and the limiter: one hedged
/// attempt (<c>MaxHedgedAttempts</c> 1) once an attempt has run for the delay; each attempt, the hedge too, takes its
/// own place in the limiter, passes the breaker and has its own per-attempt timeout; the first success wins and the
/// other attempt is cancelled; the retry retries what the hedging gives up on. Polly's default <c>ShouldHandle</c> is
/// kept (any exception but a cancellation): a failed attempt does not end the call while the other still runs, and a
/// primary attempt that fails before the delay starts the hedge at once (Polly hedges failures too; the orchestrator
/// leaves failures to the retries).
/// </para>
/// </summary>
public sealed class PollyProtection(Scenario scenario, ProtectionSettings settings, TimeSpan? hedgeDelay = null) : IProtection
{
    /// <summary>The request, in the call's context (and so in its hedges'), so that a hedge is counted on it.</summary>
    private static readonly ResiliencePropertyKey<CallRequest?> RequestKey = new("scenario.request");

    /// <summary>Set in a hedge's own context (a copy of the call's), so that the work knows it runs a hedge.</summary>
    private static readonly ResiliencePropertyKey<bool> IsHedgeKey = new("scenario.is-hedge");

    /// <summary>Set in a hedge's context when it succeeded; the winner's context is merged back into the call's.</summary>
    private static readonly ResiliencePropertyKey<bool> HedgeSucceededKey = new("scenario.hedge-succeeded");

    private readonly Dictionary<string, ResiliencePipeline<string>> _pipelines =
        scenario.Dependencies.ToDictionary(d => d.Name, d => Build(d, settings, scenario.Deadline, hedgeDelay));

    private static ResiliencePipeline<string> Build(DependencySpec dependency, ProtectionSettings settings, TimeSpan deadline, TimeSpan? hedgeDelay)
    {
        var builder = new ResiliencePipelineBuilder<string>()
            .AddTimeout(deadline)
            .AddRetry(new RetryStrategyOptions<string>
            {
                MaxRetryAttempts = ProtectionSettings.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = ProtectionSettings.BackoffBase,
                MaxDelay = ProtectionSettings.BackoffMax,
                ShouldHandle = new PredicateBuilder<string>().Handle<Exception>(e =>
                    e is not (BrokenCircuitException or RateLimiterRejectedException or OperationCanceledException)),
            });
        if (hedgeDelay is { } delay)
        {
            builder.AddHedging(new HedgingStrategyOptions<string>
            {
                MaxHedgedAttempts = 1,
                Delay = delay,
                // Polly's default generator (the call's work again), counting the hedge and marking its context.
                ActionGenerator = static args =>
                {
                    args.ActionContext.Properties.GetValue(RequestKey, null)?.CountHedge();
                    args.ActionContext.Properties.Set(IsHedgeKey, true);
                    return () => args.Callback(args.ActionContext);
                },
            });
        }
        return builder
            .AddConcurrencyLimiter(ProtectionSettings.Concurrency(dependency), ProtectionSettings.Queue(dependency))
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<string>
            {
                FailureRatio = ProtectionSettings.FailureRatio,
                MinimumThroughput = ProtectionSettings.MinimumThroughput,
                SamplingDuration = settings.SamplingWindow,
                BreakDuration = settings.BreakFor,
            })
            .AddTimeout(settings.AttemptTimeout)
            .Build();
    }

    public async Task<Answer> CallAsync(CallRequest request)
    {
        var context = ResilienceContextPool.Shared.Get(CancellationToken.None);
        context.Properties.Set(RequestKey, request);
        try
        {
            await _pipelines[request.Dependency.Name].ExecuteAsync(static (c, r) => RunAttemptAsync(c, r), context, request).ConfigureAwait(false);
            return Answer.Succeeded;
        }
        catch (Exception e)
        {
            return request.AfterError(e);
        }
        finally
        {
            if (context.Properties.GetValue(HedgeSucceededKey, false)) request.MarkAnsweredByHedge();
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>The work of one attempt; a hedge's success is marked in its context (merged into the call's if it wins).</summary>
    private static async ValueTask<string> RunAttemptAsync(ResilienceContext context, CallRequest request)
    {
        var answer = await request.CallDependencyAsync(context.CancellationToken).ConfigureAwait(false);
        if (context.Properties.GetValue(IsHedgeKey, false)) context.Properties.Set(HedgeSucceededKey, true);
        return answer;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
