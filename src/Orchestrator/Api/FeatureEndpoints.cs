using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Orchestrator.Actors.Coordination;
using Orchestrator.Contracts;

namespace Orchestrator.Node.Api;

/// <summary>
/// Feature flags at run time: <c>GET /api/features</c> lists every declared feature and whether it is on, and
/// why; <c>PUT /api/features/{name}</c> with <c>{"enabled": false}</c> (or <c>true</c>) switches it by hand, and
/// <c>{"enabled": null}</c> clears the manual setting so its tier decides again.
/// </summary>
public static class FeatureEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Maps the features API.</summary>
    public static IEndpointRouteBuilder MapFeatureApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/features", async (IRequiredActor<PriorityCoordinator> coordinator, CancellationToken ct) =>
        {
            var status = await (await coordinator.GetAsync(ct)).Ask<DegradationStatus>(GetDegradation.Instance, AskTimeout, ct);
            return Results.Ok(status.Features);
        });

        app.MapPut("/api/features/{name}", async (string name, HttpRequest request, IRequiredActor<PriorityCoordinator> coordinator, CancellationToken ct) =>
        {
            bool? enabled;
            try
            {
                using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
                if (body.RootElement.ValueKind != JsonValueKind.Object)
                    return ErrorBody.BadRequest("The body must be a JSON object like {\"enabled\": false}.");
                var unknown = body.RootElement.EnumerateObject().Select(p => p.Name).Where(n => !n.Equals("enabled", StringComparison.OrdinalIgnoreCase)).ToList();
                if (unknown.Count > 0)
                    return ErrorBody.BadRequest($"Unknown field(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}; the body takes only \"enabled\".");
                if (!body.RootElement.EnumerateObject().Any())
                    return ErrorBody.BadRequest("\"enabled\" is missing: give true, false, or null to clear the manual setting.");
                var value = body.RootElement.EnumerateObject().First().Value;
                enabled = value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Null => null,
                    _ => throw new FormatException($"\"enabled\" must be true, false or null, not {value.GetRawText()}."),
                };
            }
            catch (JsonException e)
            {
                return ErrorBody.BadRequest($"The body is not valid JSON: {e.Message}");
            }
            catch (FormatException e)
            {
                return ErrorBody.BadRequest(e.Message);
            }

            var answer = await (await coordinator.GetAsync(ct)).Ask<object>(new SetFeature(name, enabled), AskTimeout, ct);
            return answer switch
            {
                FeatureStatus feature => Results.Ok(feature),
                UnknownFeature unknownFeature => ErrorBody.NotFound(unknownFeature.Message),
                _ => ErrorBody.Result(StatusCodes.Status500InternalServerError, $"The coordinator gave an unexpected answer ({answer.GetType().Name})."),
            };
        }).RequireOperator();
        return app;
    }
}
