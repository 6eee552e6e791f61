using Orchestrator.Actors.Health;
using Akka.Actor;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orchestrator.Node.Lifecycle;
using Orchestrator.Node.Observability;

namespace Orchestrator.Node.Api;

/// <summary>
/// Health, on ASP.NET Core health checks (<see cref="NodeHealthChecks"/>):
/// <list type="bullet">
/// <item><c>GET /health/live</c> (liveness: restart the process when it fails): the actor system runs.</item>
/// <item><c>GET /health/ready</c> (readiness: send requests here or not): the node has started and is not stopping,
/// is an Up cluster member that sees a majority, its write queue and order book have recovered, its disk has room, and
/// it has warmed up (<see cref="NodeReadiness"/>). A load balancer stops sending requests as soon as a stop begins, and
/// a node cut off from the majority takes none.</item>
/// <item><c>GET /health</c>: liveness, with the actor system's name, this node's member status and its degradation.</item>
/// <item><c>GET /health/degradation</c> (<see cref="DegradationEndpoint"/>): Healthy, Degraded or Unhealthy, and why;
/// it does not take part in readiness.</item>
/// </list>
/// Each answers 200 or 503, with every check's verdict.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>
    /// The answer of <c>/health</c>; <paramref name="Degradation"/> is the degradation check's verdict (Healthy, Degraded,
    /// Unhealthy: details at <c>/health/degradation</c>), which does not change the status code.
    /// </summary>
    public sealed record HealthBody(string Status, string ActorSystem, string MemberStatus, string? Degradation = null);

    /// <summary>One check's verdict.</summary>
    public sealed record CheckBody(string Name, string Status, string? Description);

    /// <summary>
    /// The answer of <c>/health/ready</c>: <c>Ready</c>, <c>Starting</c>, <c>Draining</c> (the stop has begun, requests
    /// are still served), <c>Stopping</c> or <c>NotReady</c> (a check failed), the requests in flight, and every check.
    /// </summary>
    public sealed record ReadinessBody(string Status, int InFlight, IReadOnlyList<CheckBody> Checks);

    /// <summary>The answer of <c>/health/live</c>.</summary>
    public sealed record LivenessBody(string Status, IReadOnlyList<CheckBody> Checks);

    /// <summary>Maps the health endpoints.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (ActorSystem system, DegradationCheck degradation) =>
        {
            var terminated = system.WhenTerminated.IsCompleted || CoordinatedShutdown.Get(system).ShutdownReason is not null;
            var member = Akka.Cluster.Cluster.Get(system).SelfMember.Status.ToString();
            var body = new HealthBody(terminated ? "Unhealthy" : "Healthy", system.Name, member, degradation.Evaluate()?.State.ToString());
            return Results.Json(body, statusCode: terminated ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });

        app.MapGet("/health/live", async (HealthCheckService health, CancellationToken ct) =>
        {
            var report = await health.CheckHealthAsync(c => c.Tags.Contains(NodeHealthChecks.Live), ct);
            var healthy = report.Status == HealthStatus.Healthy;
            return Results.Json(new LivenessBody(healthy ? "Healthy" : "Unhealthy", Checks(report)),
                statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });

        app.MapGet("/health/ready", async (HealthCheckService health, NodeLifecycle lifecycle, CancellationToken ct) =>
        {
            var report = await health.CheckHealthAsync(c => c.Tags.Contains(NodeHealthChecks.Ready), ct);
            var healthy = report.Status == HealthStatus.Healthy;
            var status = lifecycle.IsLeaving ? lifecycle.Phase : !lifecycle.IsReady ? "Starting" : healthy ? "Ready" : "NotReady";
            return Results.Json(new ReadinessBody(status, lifecycle.InFlight, Checks(report)),
                statusCode: status == "Ready" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }

    private static List<CheckBody> Checks(HealthReport report) =>
        [.. report.Entries.Select(e => new CheckBody(e.Key, e.Value.Status == HealthStatus.Healthy ? "Healthy" : "Unhealthy", e.Value.Description))];
}
