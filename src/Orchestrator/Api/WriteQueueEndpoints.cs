using Orchestrator.Actors.WriteQueue;

namespace Orchestrator.Node.Api;

/// <summary>
/// The write queue's operator API: <c>GET /api/write-queue</c> (depth, oldest entry, poison count),
/// <c>GET /api/write-queue/poison</c> (the poison list), <c>POST /api/write-queue/poison/{id}/redrive</c> and
/// <c>DELETE /api/write-queue/poison/{id}</c>.
/// </summary>
public static class WriteQueueEndpoints
{
    /// <summary>The answer to a re-drive or a drop.</summary>
    public sealed record PoisonCommandResult(string Id, string Action);

    /// <summary>Maps the write queue API.</summary>
    public static IEndpointRouteBuilder MapWriteQueueApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/write-queue");
        group.MapGet("", async (IWriteQueue queue, CancellationToken ct) => Results.Ok(await queue.StatusAsync(ct)));
        group.MapGet("/poison", async (IWriteQueue queue, CancellationToken ct) => Results.Ok(await queue.PoisonedAsync(ct)));
        group.MapPost("/poison/{id}/redrive", async (string id, IWriteQueue queue, CancellationToken ct) =>
            await queue.RedriveAsync(id, ct) ? Results.Ok(new PoisonCommandResult(id, "redriven")) : NotPoisoned(id));
        group.MapDelete("/poison/{id}", async (string id, IWriteQueue queue, CancellationToken ct) =>
            await queue.DropAsync(id, ct) ? Results.Ok(new PoisonCommandResult(id, "dropped")) : NotPoisoned(id));
        return app;
    }

    private static IResult NotPoisoned(string id) => ErrorBody.NotFound($"There is no poisoned write '{id}'.");
}
