using Akka.Actor;

namespace Orchestrator.Node.Api;

/// <summary>
/// <c>GET /health</c> (liveness): 200 while the actor system runs, 503 once it is terminating or gone.
/// <c>GET /health/ready</c> (readiness): 200 once the node has started and until it begins to stop, 503 otherwise;
/// a load balancer stops sending requests as soon as a stop begins.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>The answer of <c>/health</c>.</summary>
    public sealed record HealthBody(string Status, string ActorSystem, string MemberStatus);

    /// <summary>The answer of <c>/health/ready</c>: <c>Starting</c>, <c>Ready</c> or <c>Stopping</c>, and the requests in flight.</summary>
    public sealed record ReadinessBody(string Status, int InFlight);

    /// <summary>Maps the health endpoints.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (ActorSystem system) =>
        {
            var terminated = system.WhenTerminated.IsCompleted || CoordinatedShutdown.Get(system).ShutdownReason is not null;
            var member = Akka.Cluster.Cluster.Get(system).SelfMember.Status.ToString();
            var body = new HealthBody(terminated ? "Unhealthy" : "Healthy", system.Name, member);
            return Results.Json(body, statusCode: terminated ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });
        app.MapGet("/health/ready", (Lifecycle.NodeLifecycle lifecycle) =>
            Results.Json(new ReadinessBody(lifecycle.Phase, lifecycle.InFlight),
                statusCode: lifecycle.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable));
        return app;
    }
}
