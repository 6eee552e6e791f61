using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Orchestrator.Clustering.Dashboard;
using Orchestrator.Node.Api;
using Orchestrator.Node.Edge;
using Orchestrator.Node.Lifecycle;

namespace Orchestrator.Node.Dashboard;

/// <summary>
/// <c>GET /dashboard</c>: the live cluster dashboard (one HTML page with its script and styles inline, an embedded
/// resource: no build step, no library); <c>GET /dashboard/events</c>: Server-Sent Events, one <c>data: {json}</c>
/// event every <see cref="EventInterval"/> with the <see cref="ClusterDashboard"/> of this node's <see cref="DashboardActor"/>. Both are
/// read-only and public like <c>GET /api/status</c>; the page's operator buttons call the operator API, which needs
/// the admin token (or a loopback caller when none is set). At most <c>Edge:DashboardStreams:Total</c> streams at once
/// (then 503) and <c>PerClient</c> per client (then 429); a stream ends when its client goes or stops reading
/// (<c>StalledAfter</c>), when its <c>Lifetime</c> is over (the browser opens a new one), and within a second when the
/// node starts stopping.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>How often a stream sends the view (twice a second: a change shows within about half a second of arriving).</summary>
    public static readonly TimeSpan EventInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The page's path.</summary>
    public const string Path = "/dashboard";

    /// <summary>The embedded page.</summary>
    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("Orchestrator.Node.Dashboard.dashboard.html")
                           ?? throw new InvalidOperationException("The dashboard page is not embedded in the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>Maps the page and its event stream.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            // The page loads nothing from elsewhere: its own script and styles, and this node's API.
            context.Response.Headers["Content-Security-Policy"] =
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Bytes(Page.Value, "text/html; charset=utf-8");
        });
        app.MapGet(Path + "/events", Events);
        return app;
    }

    private static async Task Events(HttpContext context, DashboardStreams streams, ActorRegistry registry, NodeLifecycle lifecycle,
        IHostApplicationLifetime lifetime, EdgeRejections rejections)
    {
        var client = ClientKey.Of(context);
        var limits = streams.Settings;
        switch (streams.TryOpen(client))
        {
            case StreamAdmission.NodeFull:
                rejections.Count("streams", client, context.Request.Path);
                context.Response.Headers.RetryAfter = "10";
                await ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                    $"Too many dashboard streams are open on this node (at most {limits.Total}); close one, or try again later.");
                return;
            case StreamAdmission.ClientFull:
                rejections.Count("streams", client, context.Request.Path);
                context.Response.Headers.RetryAfter = "10";
                await ErrorResponses.WriteAsync(context, StatusCodes.Status429TooManyRequests,
                    $"Too many dashboard streams from {client}: one client may hold at most {limits.PerClient} open; close one first.");
                return;
        }
        try
        {
            // The stream ends when the client goes, the node stops, or its lifetime is over (the browser then opens a new one).
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            stop.CancelAfter(limits.Lifetime);
            var ct = stop.Token;
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers["X-Accel-Buffering"] = "no";
            await WriteAsync(context, "retry: 2000\n\n", limits.StalledAfter, ct);
            var dashboard = registry.Get<DashboardActor>();
            while (!ct.IsCancellationRequested && !lifecycle.IsLeaving)
            {
                var view = await dashboard.Ask<ClusterDashboard>(GetDashboard.Instance, TimeSpan.FromSeconds(2), ct);
                await WriteAsync(context, "data: " + JsonSerializer.Serialize(view, NodeJson.Options) + "\n\n", limits.StalledAfter, ct);
                await Task.Delay(EventInterval, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or AskTimeoutException or IOException)
        {
            // the client went or stalled, the node stops, the stream's lifetime is over, or the actor did not answer (the client's EventSource reconnects)
        }
        finally
        {
            streams.Close(client);
        }
    }

    /// <summary>Writes and flushes <paramref name="text"/>; a client that does not take it within <paramref name="stalledAfter"/> ends the stream.</summary>
    private static async Task WriteAsync(HttpContext context, string text, TimeSpan stalledAfter, CancellationToken ct)
    {
        using var write = CancellationTokenSource.CreateLinkedTokenSource(ct);
        write.CancelAfter(stalledAfter);
        await context.Response.WriteAsync(text, write.Token);
        await context.Response.Body.FlushAsync(write.Token);
    }
}
