using Polly;
using Polly.CircuitBreaker;

namespace Orchestrator.Bench.Micro;

/// <summary>A Polly.Core pipeline with the strategies of <see cref="BenchDependency"/>: concurrency limiter, circuit breaker, timeout.</summary>
public static class PollyPipeline
{
    /// <summary>Builds the pipeline; <paramref name="control"/> lets a benchmark isolate its breaker.</summary>
    public static ResiliencePipeline Build(CircuitBreakerManualControl? control = null) => new ResiliencePipelineBuilder()
        .AddConcurrencyLimiter(BenchDependency.MaxConcurrency, BenchDependency.QueueCapacity)
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = BenchDependency.FailureRatio,
            MinimumThroughput = BenchDependency.MinimumThroughput,
            SamplingDuration = BenchDependency.SamplingWindow,
            BreakDuration = BenchDependency.BreakFor,
            ManualControl = control,
        })
        .AddTimeout(BenchDependency.Timeout)
        .Build();

    /// <summary>
    /// One call through the pipeline by outcome (no exception on a rejection): the work's value, or
    /// <paramref name="fallback"/> when the pipeline turned the call away or it failed.
    /// </summary>
    public static async ValueTask<int> CallAsync(ResiliencePipeline pipeline, int fallback)
    {
        var context = ResilienceContextPool.Shared.Get();
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(static async (ctx, _) =>
            {
                try
                {
                    return Outcome.FromResult(await BenchDependency.Work(ctx.CancellationToken).ConfigureAwait(false));
                }
                catch (Exception e)
                {
                    return Outcome.FromException<int>(e);
                }
            }, context, 0).ConfigureAwait(false);
            return outcome.Exception is null ? outcome.Result : fallback;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
