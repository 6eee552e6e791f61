using Orchestrator.Contracts;
using Orchestrator.Node.Api;

namespace Orchestrator.Node.Chaos;

/// <summary>
/// Applies a simulated service's chaos to one of its requests, within the request's deadline: delay, then maybe
/// a 503; and a 504 at once when the caller's deadline has passed (or passes during the delay).
/// </summary>
public sealed class ChaosInjector(ChaosRegistry registry, TimeProvider time)
{
    /// <summary>
    /// Answers 504 at once if <paramref name="deadline"/> has passed. Otherwise waits the injected latency (cancelled
    /// with the request, and never past the deadline: it then answers 504 at the deadline), then answers 503 for an
    /// outage, for every n-th request (<c>failEveryNth</c>), or at the error rate; null when the request should be
    /// served normally.
    /// </summary>
    public async Task<IResult?> ApplyAsync(string service, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        if (deadline is { } due && due <= time.GetUtcNow()) return DeadlinePassed(service, due);

        var chaos = registry.Get(service);
        if (chaos.LatencyMs > 0)
        {
            var delay = TimeSpan.FromMilliseconds(chaos.LatencyMs);
            var left = deadline is { } d ? d - time.GetUtcNow() : TimeSpan.MaxValue;
            if (left < delay)
            {
                if (left > TimeSpan.Zero) await Task.Delay(left, time, cancellationToken).ConfigureAwait(false);
                return DeadlinePassed(service, deadline!.Value);
            }
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
        if (chaos.Outage)
            return ErrorBody.Result(StatusCodes.Status503ServiceUnavailable, $"Simulated outage of '{service}'.");
        if (chaos.FailEveryNth > 0 && registry.CountRequest(service) % chaos.FailEveryNth == 0)
            return ErrorBody.Result(StatusCodes.Status503ServiceUnavailable,
                $"Simulated error of '{service}' ({Every(chaos.FailEveryNth)} request fails).");
        if (chaos.ErrorRate > 0 && Random.Shared.NextDouble() < chaos.ErrorRate)
            return ErrorBody.Result(StatusCodes.Status503ServiceUnavailable,
                $"Simulated error of '{service}' (error rate {chaos.ErrorRate:0.##}).");
        return null;
    }

    /// <summary>The 504 of a request whose deadline has passed, marked with <see cref="DeadlineHeaders.Exceeded"/>.</summary>
    private static IResult DeadlinePassed(string service, DateTimeOffset deadline) =>
        new WithHeader(
            ErrorBody.Result(StatusCodes.Status504GatewayTimeout,
                $"The deadline of the request to '{service}' ({DeadlineHeaders.Format(deadline)}) has passed; it was not served."),
            DeadlineHeaders.Exceeded, "true");

    private static string Every(int n) => n switch
    {
        1 => "every",
        _ when n % 100 is 11 or 12 or 13 => $"every {n}th",
        _ when n % 10 == 1 => $"every {n}st",
        _ when n % 10 == 2 => $"every {n}nd",
        _ when n % 10 == 3 => $"every {n}rd",
        _ => $"every {n}th",
    };

    /// <summary>A result with one more response header.</summary>
    private sealed class WithHeader(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
