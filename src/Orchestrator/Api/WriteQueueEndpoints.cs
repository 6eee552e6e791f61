using Orchestrator.WriteQueue;

namespace Orchestrator.Node.Api;

/// <summary>
/// The write queue's operator API: <c>GET /api/write-queue</c> (depth, oldest entry, poison count),
/// <c>GET /api/write-queue/poison</c> (the poison list), <c>POST /api/write-queue/poison/{id}/redrive</c> and
/// <c>DELETE /api/write-queue/poison/{id}</c>. While the queue is not running (it restarts after a failure of its
/// database) each answers 503 naming the problem.
/// </summary>
public static class WriteQueueEndpoints
{
    /// <summary>The answer to a re-drive or a drop.</summary>
    public sealed record PoisonCommandResult(string Id, string Action);

    /// <summary>Maps the write queue API.</summary>
    public static IEndpointRouteBuilder MapWriteQueueApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/write-queue");
        group.MapGet("", (IWriteQueue queue, CancellationToken ct) => Answer(async () => Results.Ok(await queue.StatusAsync(ct))));
        group.MapGet("/poison", (IWriteQueue queue, CancellationToken ct) => Answer(async () => Results.Ok(await queue.PoisonedAsync(ct))));
        group.MapPost("/poison/{id}/redrive", (string id, IWriteQueue queue, CancellationToken ct) => Answer(async () =>
            await queue.RedriveAsync(id, ct) ? Results.Ok(new PoisonCommandResult(id, "redriven")) : NotPoisoned(id))).RequireOperator();
        group.MapDelete("/poison/{id}", (string id, IWriteQueue queue, CancellationToken ct) => Answer(async () =>
            await queue.DropAsync(id, ct) ? Results.Ok(new PoisonCommandResult(id, "dropped")) : NotPoisoned(id))).RequireOperator();
        return app;
    }

    /// <summary>The answer of <paramref name="ask"/>, or 503 naming the problem while the queue is not running (restarting after a database failure).</summary>
    private static async Task<IResult> Answer(Func<Task<IResult>> ask)
    {
        try
        {
            return await ask();
        }
        catch (Exception e) when (e is InvalidOperationException or Akka.Actor.AskTimeoutException)
        {
            return ErrorBody.Result(StatusCodes.Status503ServiceUnavailable, $"The write queue is not available: {e.Message}");
        }
    }

    private static IResult NotPoisoned(string id) => ErrorBody.NotFound($"There is no poisoned write '{id}'.");
}
