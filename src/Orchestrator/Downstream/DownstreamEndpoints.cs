using Orchestrator.Contracts;
using Orchestrator.Node.Api;
using Orchestrator.Node.Chaos;
using Orchestrator.Node.Configuration;

namespace Orchestrator.Node.Downstream;

/// <summary>
/// The simulated downstream services, served over real HTTP under <c>/downstream</c> by the node's stand-in server
/// (<see cref="StandInServer"/>: loopback only, never the node's public address). Every request first passes through
/// its deadline (<c>X-Deadline</c>: 504 at once when it has passed) and the service's chaos (<see cref="ChaosInjector"/>):
/// added latency, outages and errors.
/// </summary>
public static class DownstreamEndpoints
{
    /// <summary>Maps the seven simulated services.</summary>
    public static IEndpointRouteBuilder MapDownstreamServices(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/downstream").ExcludeFromDescription();

        group.MapGet("/profile/{userId}", (string userId, HttpContext http, ChaosInjector chaos, TimeProvider time) =>
            Serve(http, chaos, DemoServices.Profile, () => Results.Ok(DemoData.Profile(userId, DemoServices.Profile, time.GetUtcNow()))));

        // The read replica: the same data as the primary, as of its replication lag ago.
        group.MapGet("/profile-replica/{userId}", (string userId, HttpContext http, ChaosInjector chaos, TimeProvider time, DownstreamSettings settings) =>
            Serve(http, chaos, DemoServices.ProfileReplica,
                () => Results.Ok(DemoData.Profile(userId, DemoServices.ProfileReplica, time.GetUtcNow() - settings.ReplicaLag))));

        group.MapGet("/recommendations/{userId}", (string userId, HttpContext http, ChaosInjector chaos) =>
            Serve(http, chaos, DemoServices.Recommendations, () => Results.Ok(DemoData.Recommendations(userId))));

        group.MapGet("/notifications/{userId}", (string userId, HttpContext http, ChaosInjector chaos) =>
            Serve(http, chaos, DemoServices.Notifications, () => Results.Ok(DemoData.Notifications(userId))));

        // A charge with an Idempotency-Key header is applied once, durably; a repeat answers the first receipt.
        group.MapPost("/payments/charges", (ChargeRequest charge, HttpContext http, ChaosInjector chaos, PaymentLedger ledger) =>
            Serve(http, chaos, DemoServices.Payments, () => ChargeAsync(charge, http, ledger)));

        // The charges the ledger holds for one order (normally one: the order id is the idempotency key).
        group.MapGet("/payments/charges", (HttpContext http, ChaosInjector chaos, PaymentLedger ledger) =>
            Serve(http, chaos, DemoServices.Payments, async () =>
            {
                var orderId = http.Request.Query["orderId"];
                if (orderId.Count != 1) return ErrorBody.BadRequest($"orderId must be given once, not {orderId.Count} times.");
                if (InputLimits.CheckId("orderId", orderId[0]) is { } bad) return ErrorBody.BadRequest(bad);
                return Results.Ok(new OrderCharges(orderId[0]!, await ledger.ChargesForAsync(orderId[0]!, http.RequestAborted)));
            }));

        group.MapPost("/inventory/reservations", (ReservationRequest reservation, HttpContext http, ChaosInjector chaos, InventoryLedger inventory) =>
            Serve(http, chaos, DemoServices.Inventory, () =>
                reservation.Quantity <= 0 || string.IsNullOrWhiteSpace(reservation.ProductId)
                    ? ErrorBody.BadRequest("A reservation needs a productId and a positive quantity.")
                    : !DemoData.IsProductId(reservation.ProductId) ? NoSuchProduct(reservation.ProductId)
                    : inventory.Reserve(reservation.ProductId, reservation.Quantity) is { } held ? Results.Ok(held)
                    : ErrorBody.Result(StatusCodes.Status503ServiceUnavailable,
                        $"The inventory holds {InventoryLedger.MaxHeld} reservations, the most it keeps; try again when some are released or expired.")));

        // Releasing a reservation is idempotent: one released already, expired or unknown is not held, which is the point.
        group.MapDelete("/inventory/reservations/{reservationId}", (string reservationId, HttpContext http, ChaosInjector chaos, InventoryLedger inventory) =>
            Serve(http, chaos, DemoServices.Inventory, () => InputLimits.CheckId("reservationId", reservationId) is { } bad
                ? ErrorBody.BadRequest(bad)
                : Results.Ok(new ReservationReleased(reservationId, inventory.Release(reservationId) ? "released" : "not-held"))));

        group.MapGet("/inventory/stock/{productId}", (string productId, HttpContext http, ChaosInjector chaos) =>
            Serve(http, chaos, DemoServices.Inventory, () => DemoData.IsProductId(productId) ? Results.Ok(DemoData.Stock(productId)) : NoSuchProduct(productId)));

        group.MapGet("/reviews/{productId}", (string productId, HttpContext http, ChaosInjector chaos) =>
            Serve(http, chaos, DemoServices.Reviews, () => DemoData.IsProductId(productId) ? Results.Ok(DemoData.Reviews(productId)) : NoSuchProduct(productId)));

        // Each service's cheap health call (the orchestrator's health probe of it): 200 through the service's chaos,
        // so an outage or errors injected there fail it as they fail the real calls.
        group.MapGet("/health/{service}", (string service, HttpContext http, ChaosInjector chaos) =>
            DemoServices.Order(service) < 0
                ? Task.FromResult(ErrorBody.NotFound($"There is no service '{Shorten(service)}'."))
                : Serve(http, chaos, service, () => Results.Ok(new ServiceHealth(service, "healthy"))));

        return app;
    }

    private static IResult NoSuchProduct(string productId) =>
        ErrorBody.NotFound($"There is no product '{(productId.Length <= 64 ? productId : productId[..64] + "...")}'.");

    private static Task<IResult> Serve(HttpContext http, ChaosInjector chaos, string service, Func<IResult> answer) =>
        Serve(http, chaos, service, () => Task.FromResult(answer()));

    private static async Task<IResult> ChargeAsync(ChargeRequest charge, HttpContext http, PaymentLedger ledger)
    {
        var keys = http.Request.Headers[PaymentLedger.IdempotencyHeader];
        var problem = InputLimits.CheckId("orderId", charge.OrderId)
            ?? (charge.Currency is { Length: 3 } c && c.All(char.IsAsciiLetterUpper) ? null : $"currency must be three capital letters (like EUR), not '{Shorten(charge.Currency)}'.")
            ?? (charge.Amount is > 0 and <= MaxAmount ? null : $"amount must be more than 0 and at most {MaxAmount}, not {charge.Amount}.")
            ?? (keys.Count > 1 ? $"{PaymentLedger.IdempotencyHeader} may be given once, not {keys.Count} times." : null)
            ?? (keys.Count == 1 ? InputLimits.CheckId(PaymentLedger.IdempotencyHeader, keys[0]) : null);
        if (problem is not null) return ErrorBody.BadRequest($"The charge is not valid: {problem}");
        try
        {
            var result = await ledger.ChargeAsync(charge, keys.Count == 1 ? keys[0] : null, http.RequestAborted);
            return result.Conflict is { } conflict ? ErrorBody.Result(StatusCodes.Status409Conflict, conflict) : Results.Ok(result.Receipt);
        }
        catch (PaymentLedgerException e)
        {
            return ErrorBody.Result(StatusCodes.Status507InsufficientStorage, $"The payments service cannot record the charge: {e.Message}");
        }
    }

    /// <summary>The largest amount one charge may be.</summary>
    private const decimal MaxAmount = 1_000_000m;

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 16 ? text : text[..16] + "...";

    private static async Task<IResult> Serve(HttpContext http, ChaosInjector chaos, string service, Func<Task<IResult>> answer)
    {
        DateTimeOffset? deadline = null;
        var header = http.Request.Headers[DeadlineHeaders.Name];
        if (header.Count > 1) return ErrorBody.BadRequest($"{DeadlineHeaders.Name} may be given once, not {header.Count} times.");
        if (header.Count == 1)
        {
            if (!DeadlineHeaders.TryParse(header[0], out var parsed, out var error)) return ErrorBody.BadRequest(error!);
            deadline = parsed;
        }

        var ct = http.RequestAborted;
        try
        {
            return await chaos.ApplyAsync(service, deadline, ct) ?? await answer();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller gave up (its guarded call timed out): nobody reads this answer.
            return Results.StatusCode(499);
        }
    }
}
