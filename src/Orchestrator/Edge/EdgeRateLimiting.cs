using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Orchestrator.Node.Api;

namespace Orchestrator.Node.Edge;

/// <summary>
/// The fair share per client at the edge (<see cref="RateLimitSettings"/>), with ASP.NET Core's rate limiting
/// middleware: per client (<see cref="ClientKey"/>), a token bucket and a concurrency limit, chained, on the limited
/// paths only; the operator (a request with <c>Admin:Token</c>) is not limited. A refused request is answered at
/// once (no queue) with 429, <c>Retry-After</c> and a JSON error naming the limit; it is counted
/// (<c>orchestrator.edge.rejections</c>) and reported in the log at most every few seconds, never once per request.
/// </summary>
public static class EdgeRateLimiting
{
    /// <summary>Registers the limiter for <paramref name="settings"/>.</summary>
    public static IServiceCollection AddEdgeRateLimiting(this IServiceCollection services, RateLimitSettings settings)
    {
        services.AddSingleton<EdgeRejections>();
        var paths = PathsOf(settings);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = CreateLimiter(settings);
            options.OnRejected = (rejected, ct) => RejectAsync(rejected, settings, paths, ct);
        });
        return services;
    }

    /// <summary>
    /// The limiter: per client (<see cref="ClientKey"/>) a token bucket chained with a concurrency limit, on the
    /// limited paths; no limit elsewhere, for the operator, or when <see cref="RateLimitSettings.Enabled"/> is false.
    /// </summary>
    public static PartitionedRateLimiter<HttpContext> CreateLimiter(RateLimitSettings settings)
    {
        var paths = PathsOf(settings);
        // Replenished in small steps (at most 100 a second), so that a client's rate is smooth rather than per second.
        var perPeriod = Math.Max(1, (int)Math.Ceiling(settings.PermitsPerSecond / 100.0));
        var period = TimeSpan.FromSeconds(perPeriod / (double)settings.PermitsPerSecond);
        string? ClientOf(HttpContext context) =>
            settings.Enabled && Limited(context, paths) && ClientKey.Of(context) is var client && client != ClientKey.Operator ? client : null;
        return PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(context => ClientOf(context) is { } client
                ? RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.Burst,
                    TokensPerPeriod = perPeriod,
                    ReplenishmentPeriod = period,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                })
                : RateLimitPartition.GetNoLimiter("unlimited")),
            PartitionedRateLimiter.Create<HttpContext, string>(context => ClientOf(context) is { } client
                ? RateLimitPartition.GetConcurrencyLimiter(client, _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = settings.MaxConcurrentPerClient,
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("unlimited")));
    }

    private static PathString[] PathsOf(RateLimitSettings settings) =>
        settings.EffectivePaths.Select(p => new PathString(p.TrimEnd('/').Length == 0 ? "/" : p.TrimEnd('/'))).ToArray();

    private static bool Limited(HttpContext context, PathString[] paths) => LimitedBy(context, paths) is not null;

    private static string? LimitedBy(HttpContext context, PathString[] paths)
    {
        foreach (var path in paths)
            if (context.Request.Path.StartsWithSegments(path)) return path.Value;
        return null;
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, RateLimitSettings settings, PathString[] paths, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var client = ClientKey.Of(context);
        var byRate = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
        var wait = byRate && retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var limit = byRate
            ? $"at most {settings.PermitsPerSecond} requests a second (bursts of {settings.Burst})"
            : $"at most {settings.MaxConcurrentPerClient} requests at once";
        context.RequestServices.GetRequiredService<EdgeRejections>().Count(byRate ? "rate" : "concurrency", client, context.Request.Path);
        await ErrorResponses.WriteAsync(context, StatusCodes.Status429TooManyRequests,
            $"Too many requests from {client}: {limit} may reach {LimitedBy(context, paths)} from one client. Try again in {seconds} s.");
    }
}
