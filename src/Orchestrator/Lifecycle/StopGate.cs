using Orchestrator.Node.Api;

namespace Orchestrator.Node.Lifecycle;

/// <summary>
/// Counts the requests in flight, and answers new ones at once with 503, a JSON error saying why,
/// <c>Retry-After</c> and <c>Connection: close</c> (the client's next request goes to another node) when the node
/// does not serve: once the drain period of a stop is over; while the cluster says it should not
/// (<see cref="ClusterReadiness"/>: not yet an Up member, or downed, removed, or cut off from the majority); and, for
/// the shop, until the node is ready (<see cref="NodeReadiness"/>: its journal, order book and write queue recovered,
/// room on its disk, its warm-up done), so that no shopper gets a half-ready answer. While the node drains, requests
/// are served with <c>Connection: close</c>. Health probes, <c>GET /api/status</c>, <c>GET /dashboard</c> (and its
/// event stream) and <c>GET /</c> (so that an operator can see why) and the Prometheus scrape (<c>/metrics</c>,
/// read-only) pass through uncounted; so do the node's own warm-up requests (<see cref="WarmUp"/>, with its key, from
/// loopback). (The simulated services have a server of their own, which a draining node's calls and write queue still use.)
/// </summary>
public static class StopGate
{
    /// <summary>The error of a request refused because the node is stopping.</summary>
    public const string StoppingError = "The node is stopping and takes no new requests; send this request to another node, or again once it has restarted.";

    /// <summary>Puts the gate in the pipeline (early: before routing).</summary>
    public static IApplicationBuilder UseStopGate(this IApplicationBuilder app)
    {
        var lifecycle = app.ApplicationServices.GetRequiredService<NodeLifecycle>();
        // Resolved on the first request: the actor system is built when the host starts, not when the pipeline is.
        var cluster = new Lazy<ClusterReadiness>(() => app.ApplicationServices.GetRequiredService<ClusterReadiness>());
        var readiness = new Lazy<NodeReadiness>(() => app.ApplicationServices.GetRequiredService<NodeReadiness>());
        var warmUp = new Lazy<WarmUp>(() => app.ApplicationServices.GetRequiredService<WarmUp>());
        return app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics")
                || (HttpMethods.IsGet(context.Request.Method) && (path == "/" || path.StartsWithSegments("/api/status") || path.StartsWithSegments("/dashboard")))
                || IsWarmUp(context, warmUp.Value))
            {
                await next(context);
                return;
            }
            var why = lifecycle.IsStopping ? null
                : path.StartsWithSegments("/shop") ? readiness.Value.WhyNotReady() is { } notReady && !lifecycle.IsLeaving ? notReady : null
                : cluster.Value.WhyNotServing();
            if (why is not null)
            {
                NodeMetrics.RequestRefusedNotServing();
                context.Response.Headers.Connection = "close";
                context.Response.Headers.RetryAfter = "1";
                await ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                    $"This node does not serve now: {why}. Send this request to another node; /health/ready says when this one serves again.");
                return;
            }
            if (!lifecycle.TryEnter())
            {
                NodeMetrics.RequestRefusedWhileStopping();
                context.Response.Headers.Connection = "close";
                context.Response.Headers.RetryAfter = "1";
                await ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, StoppingError);
                return;
            }
            // Draining: served as usual, and the answer closes the connection, so that a keep-alive client goes
            // elsewhere for its next request instead of meeting this node's closed listener.
            if (lifecycle.IsDraining) context.Response.Headers.Connection = "close";
            try
            {
                await next(context);
            }
            finally
            {
                lifecycle.Exit();
            }
        });
    }

    /// <summary>Whether the request is one of the node's own warm-up requests: its key, from loopback.</summary>
    private static bool IsWarmUp(HttpContext context, WarmUp warmUp) =>
        context.Request.Headers.TryGetValue(WarmUp.Header, out var key) && key.Count == 1 && key[0] == warmUp.Key
        && context.Connection.RemoteIpAddress is { } address && System.Net.IPAddress.IsLoopback(address);
}
