using Orchestrator.Node.Api;

namespace Orchestrator.Node.Chaos;

/// <summary>Applies a simulated service's chaos to one of its requests: delay, then maybe a 503.</summary>
public sealed class ChaosInjector(ChaosRegistry registry)
{
    /// <summary>
    /// Waits the injected latency (cancelled with the request), then answers 503 for an outage or, at the error
    /// rate, for a simulated error; null when the request should be served normally.
    /// </summary>
    public async Task<IResult?> ApplyAsync(string service, CancellationToken cancellationToken)
    {
        var chaos = registry.Get(service);
        if (chaos.LatencyMs > 0)
            await Task.Delay(chaos.LatencyMs, cancellationToken).ConfigureAwait(false);
        if (chaos.Outage)
            return ErrorBody.Result(StatusCodes.Status503ServiceUnavailable, $"Simulated outage of '{service}'.");
        if (chaos.ErrorRate > 0 && Random.Shared.NextDouble() < chaos.ErrorRate)
            return ErrorBody.Result(StatusCodes.Status503ServiceUnavailable,
                $"Simulated error of '{service}' (error rate {chaos.ErrorRate:0.##}).");
        return null;
    }
}
