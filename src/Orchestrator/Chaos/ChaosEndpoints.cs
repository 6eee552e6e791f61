using Orchestrator.Node.Api;

namespace Orchestrator.Node.Chaos;

/// <summary>
/// The demo's simulated remote services: <c>GET /api/demo/services</c> lists how each misbehaves, <c>GET
/// /api/demo/services/{dependency}</c> shows one, <c>POST</c> merges a change onto it and <c>DELETE</c> heals it. Not the
/// orchestrator's chaos API (<c>/api/faults</c>): a stand-in for the remote service failing by itself.
/// </summary>
public static class ChaosEndpoints
{
    /// <summary>One service's chaos, as the API shows it.</summary>
    public sealed record ChaosView(string Dependency, double ErrorRate, int LatencyMs, bool Outage, int FailEveryNth, bool Active)
    {
        /// <summary>The view of <paramref name="settings"/>.</summary>
        public static ChaosView Of(string dependency, ChaosSettings settings) =>
            new(dependency, settings.ErrorRate, settings.LatencyMs, settings.Outage, settings.FailEveryNth, settings.IsActive);
    }

    /// <summary>Every service's chaos.</summary>
    public sealed record ChaosList(IReadOnlyList<ChaosView> Dependencies);

    /// <summary>Maps the simulated services' API.</summary>
    public static IEndpointRouteBuilder MapChaosApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/demo/services");

        group.MapGet("/", (ChaosRegistry registry) =>
            Results.Ok(new ChaosList(registry.Services.Select(s => ChaosView.Of(s, registry.Get(s))).ToList())));

        group.MapGet("/{dependency}", (string dependency, ChaosRegistry registry) =>
            registry.IsKnown(dependency)
                ? Results.Ok(ChaosView.Of(dependency, registry.Get(dependency)))
                : ErrorBody.NotFound(registry.UnknownMessage(dependency)));

        group.MapPost("/{dependency}", async (string dependency, HttpRequest request, ChaosRegistry registry, ILoggerFactory logs) =>
        {
            if (!registry.IsKnown(dependency)) return ErrorBody.NotFound(registry.UnknownMessage(dependency));
            var (update, error) = await ChaosUpdate.ReadAsync(request.Body, request.HttpContext.RequestAborted);
            if (update is null) return ErrorBody.BadRequest(error!);
            var settings = registry.Update(dependency, update)!;
            logs.CreateLogger(typeof(ChaosEndpoints)).LogWarning(
                "Chaos of {Dependency} set: error rate {ErrorRate}, latency {LatencyMs} ms, outage {Outage}, fail every n-th {FailEveryNth}",
                dependency, settings.ErrorRate, settings.LatencyMs, settings.Outage, settings.FailEveryNth);
            return Results.Ok(ChaosView.Of(dependency, settings));
        }).RequireOperator();

        group.MapDelete("/{dependency}", (string dependency, ChaosRegistry registry, ILoggerFactory logs) =>
        {
            var settings = registry.Clear(dependency);
            if (settings is null) return ErrorBody.NotFound(registry.UnknownMessage(dependency));
            logs.CreateLogger(typeof(ChaosEndpoints)).LogInformation("Chaos of {Dependency} cleared", dependency);
            return Results.Ok(ChaosView.Of(dependency, settings));
        }).RequireOperator();

        return app;
    }
}
