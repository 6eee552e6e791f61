using Akka.Actor;

namespace Orchestrator.Node.Api;

/// <summary><c>GET /health</c>: 200 while the actor system runs, 503 once it is terminating or gone.</summary>
public static class HealthEndpoints
{
    /// <summary>The answer of <c>/health</c>.</summary>
    public sealed record HealthBody(string Status, string ActorSystem, string MemberStatus);

    /// <summary>Maps the health endpoint.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (ActorSystem system) =>
        {
            var terminated = system.WhenTerminated.IsCompleted || CoordinatedShutdown.Get(system).ShutdownReason is not null;
            var member = Akka.Cluster.Cluster.Get(system).SelfMember.Status.ToString();
            var body = new HealthBody(terminated ? "Unhealthy" : "Healthy", system.Name, member);
            return Results.Json(body, statusCode: terminated ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });
        return app;
    }
}
