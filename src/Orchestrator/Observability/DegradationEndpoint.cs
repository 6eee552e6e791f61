using Orchestrator.Actors.Health;

namespace Orchestrator.Node.Observability;

/// <summary>
/// <c>GET /health/degradation</c>: the <see cref="DegradationCheck"/>'s verdict with what it rests on. 200 for Healthy
/// and Degraded (the node serves), 503 for Unhealthy (it cannot serve CRITICAL work) and while the orchestrator has
/// not started. Public and read-only like the other health endpoints.
/// </summary>
public static class DegradationEndpoint
{
    /// <summary>The path.</summary>
    public const string Path = "/health/degradation";

    /// <summary>The answer.</summary>
    /// <param name="Status">Healthy, Degraded or Unhealthy.</param>
    /// <param name="Reasons">A sentence per finding, the ones that make it Unhealthy first.</param>
    /// <param name="DisabledTiers">Tiers switched off by the stress level.</param>
    /// <param name="DisabledFeatures">Features switched off.</param>
    /// <param name="Breakers">Every breaker that is not closed, by dependency.</param>
    /// <param name="CriticalDependencies">The dependencies CRITICAL work needs.</param>
    public sealed record DegradationBody(string Status, IReadOnlyList<string> Reasons, IReadOnlyList<string> DisabledTiers,
        IReadOnlyList<string> DisabledFeatures, IReadOnlyDictionary<string, string> Breakers, IReadOnlyList<string> CriticalDependencies);

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapDegradationHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (DegradationCheck check) =>
        {
            if (check.Evaluate() is not { } report)
                return Results.Json(new DegradationBody(nameof(DegradationState.Unhealthy), ["the orchestrator has not started"], [], [],
                    new Dictionary<string, string>(), []), statusCode: StatusCodes.Status503ServiceUnavailable);
            return Results.Json(new DegradationBody(report.State.ToString(), report.Reasons, report.DisabledTiers, report.DisabledFeatures, report.Breakers,
                report.CriticalDependencies), statusCode: report.State == DegradationState.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });
        return app;
    }
}
