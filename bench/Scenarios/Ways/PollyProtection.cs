using Orchestrator.Bench.Scenarios.Definitions;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace Orchestrator.Bench.Scenarios.Ways;

/// <summary>
/// One Polly.Core pipeline per dependency, with the strategies the orchestrator has: the caller's deadline as a
/// total timeout, then retries (not of calls the breaker or the limiter turned away), a concurrency limiter, a
/// circuit breaker and a timeout per attempt. An error or a rejection falls back (or fails a CRITICAL call).
/// Polly has no tiers: every call is treated alike.
/// </summary>
public sealed class PollyProtection : IProtection
{
    private readonly Dictionary<string, ResiliencePipeline<string>> _pipelines;

    public PollyProtection(Scenario scenario, ProtectionSettings settings) =>
        _pipelines = scenario.Dependencies.ToDictionary(d => d.Name, d => Build(d, settings, scenario.Deadline));

    private static ResiliencePipeline<string> Build(DependencySpec dependency, ProtectionSettings settings, TimeSpan deadline) =>
        new ResiliencePipelineBuilder<string>()
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
            })
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

    public async Task<Answer> CallAsync(CallRequest request)
    {
        try
        {
            await _pipelines[request.Dependency.Name]
                .ExecuteAsync(static (r, ct) => new ValueTask<string>(r.CallDependencyAsync(ct)), request, CancellationToken.None)
                .ConfigureAwait(false);
            return Answer.Succeeded;
        }
        catch (Exception e)
        {
            return request.AfterError(e);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
