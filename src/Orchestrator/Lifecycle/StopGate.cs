using Orchestrator.Node.Api;

namespace Orchestrator.Node.Lifecycle;

/// <summary>
/// Counts the requests in flight, and once the node is stopping answers new ones at once: 503, a JSON error saying
/// so, and <c>Connection: close</c> (the client's next request goes to another node). Health probes and the
/// simulated services (<c>/downstream</c>, which this node's own calls and write queue still use while it drains)
/// pass through uncounted.
/// </summary>
public static class StopGate
{
    /// <summary>The error of a request refused because the node is stopping.</summary>
    public const string StoppingError = "The node is stopping and takes no new requests; send this request to another node, or again once it has restarted.";

    /// <summary>Puts the gate in the pipeline (early: before routing).</summary>
    public static IApplicationBuilder UseStopGate(this IApplicationBuilder app)
    {
        var lifecycle = app.ApplicationServices.GetRequiredService<NodeLifecycle>();
        return app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments("/health") || path.StartsWithSegments("/downstream"))
            {
                await next(context);
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
