using Orchestrator.Node.Api;

namespace Orchestrator.Node.Lifecycle;

/// <summary>
/// Counts the requests in flight, and answers new ones at once with 503, a JSON error saying why, and
/// <c>Connection: close</c> (the client's next request goes to another node) when the node does not serve: once it
/// is stopping, and while the cluster says it should not (<see cref="ClusterReadiness"/>: not yet an Up member, or
/// downed, removed, or cut off from the majority). Health probes, <c>GET /api/status</c>, <c>GET /dashboard</c> (and its
/// event stream) and <c>GET /</c> (so that an operator can see why) and the Prometheus scrape (<c>/metrics</c>,
/// read-only) pass through uncounted. (The simulated services have a server of their own, which a draining node's
/// calls and write queue still use.)
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
        return app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics")
                || (HttpMethods.IsGet(context.Request.Method) && (path == "/" || path.StartsWithSegments("/api/status") || path.StartsWithSegments("/dashboard"))))
            {
                await next(context);
                return;
            }
            if (!lifecycle.IsStopping && cluster.Value.WhyNotServing() is { } why)
            {
                NodeMetrics.RequestRefusedNotServing();
                context.Response.Headers.Connection = "close";
                await ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                    $"This node does not serve now: {why}. Send this request to another node; /health/ready says when this one serves again.");
                return;
            }
            if (!lifecycle.TryEnter())
            {
                NodeMetrics.RequestRefusedWhileStopping();
                context.Response.Headers.Connection = "close";
                await ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, StoppingError);
                return;
            }
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
}
