using Orchestrator.Actors.Client;
using Orchestrator.Contracts;
using Orchestrator.Node.Api;

namespace Orchestrator.Node.Chaos;

/// <summary>
/// Fault injection into any declared dependency (not only the demo's simulated services), through its actor:
/// <c>GET /api/faults</c> lists each dependency's fault on this node; <c>POST /api/faults/{dependency}</c> injects one
/// (<see cref="FaultRequest"/>), on this node or the whole cluster; <c>DELETE /api/faults/{dependency}?scope=cluster</c>
/// ends it. Operator endpoints. When <c>Orchestrator:Chaos:Enabled</c> is false every change is refused with 403.
/// </summary>
public static class FaultEndpoints
{
    /// <summary>One dependency's fault on this node (null: none).</summary>
    public sealed record DependencyFault(string Dependency, FaultStatus? Fault);

    /// <summary>Whether injection is on, and every dependency's fault.</summary>
    public sealed record FaultList(bool Enabled, IReadOnlyList<DependencyFault> Dependencies);

    /// <summary>Maps the fault API.</summary>
    public static IEndpointRouteBuilder MapFaultApi(this IEndpointRouteBuilder app, OrchestratorOptions options)
    {
        var group = app.MapGroup("/api/faults");
        group.MapGet("/", async (IGuardedCalls calls, CancellationToken ct) =>
        {
            var status = await calls.StatusAsync(ct);
            return Results.Ok(new FaultList(options.Chaos.Enabled, status.Dependencies.Select(d => new DependencyFault(d.Name, d.Fault)).ToList()));
        });
        group.MapPost("/{dependency}", async (string dependency, HttpRequest request, IChaos chaos, CancellationToken ct) =>
        {
            if (!options.Chaos.Enabled) return Disabled();
            var (fault, scope, error) = await FaultRequest.ReadAsync(request.Body, ct);
            if (fault is null) return ErrorBody.BadRequest(error!);
            return Answer(await chaos.InjectAsync(dependency, fault, scope, ct));
        }).RequireOperator();
        group.MapDelete("/{dependency}", async (string dependency, string? scope, IChaos chaos, CancellationToken ct) =>
        {
            if (!options.Chaos.Enabled) return Disabled();
            var where = FaultScope.Node;
            if (scope is not null && !EnumNames.TryParse(scope, out where))
                return ErrorBody.BadRequest($"scope must be node or cluster, not '{scope}'.");
            return Answer(await chaos.ClearAsync(dependency, where, ct));
        }).RequireOperator();
        return app;
    }

    private static IResult Disabled() => ErrorBody.Result(StatusCodes.Status403Forbidden,
        $"Fault injection is switched off on this node ({OrchestratorOptions.SectionName}:Chaos:Enabled is false).");

    private static IResult Answer(FaultCommandResult result) => result.Refusal switch
    {
        null when result.Accepted => Results.Ok(result),
        FaultRefusal.Disabled => ErrorBody.Result(StatusCodes.Status403Forbidden, result.Error!),
        FaultRefusal.UnknownDependency => ErrorBody.NotFound(result.Error!),
        FaultRefusal.NoAnswer or FaultRefusal.NotUpMember => ErrorBody.Result(StatusCodes.Status503ServiceUnavailable, result.Error!),
        // Some members of the cluster did not carry it out: the answer says which, and what the others did.
        FaultRefusal.NotEveryMember when result.Nodes > 0 => Results.Json(result, statusCode: StatusCodes.Status502BadGateway),
        FaultRefusal.NotEveryMember => ErrorBody.Result(StatusCodes.Status503ServiceUnavailable, result.Error!), // no member carried it out
        _ => ErrorBody.BadRequest(result.Error ?? "The fault command was refused."),
    };
}
