using Orchestrator.Node.Api;
using Orchestrator.Node.Chaos;
using Orchestrator.Node.Configuration;

namespace Orchestrator.Node.Downstream;

/// <summary>
/// The simulated downstream services, served over real HTTP by this node under <c>/downstream</c>. Every request
/// first passes through its deadline (<c>X-Deadline</c>: 504 at once when it has passed) and the service's chaos
/// (<see cref="ChaosInjector"/>): added latency, outages and errors.
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

        // A charge with an Idempotency-Key header is applied once; a repeat answers the first receipt.
        group.MapPost("/payments/charges", (ChargeRequest charge, HttpContext http, ChaosInjector chaos, PaymentLedger ledger) =>
            Serve(http, chaos, DemoServices.Payments, () =>
                charge.Amount <= 0 || string.IsNullOrWhiteSpace(charge.OrderId) || string.IsNullOrWhiteSpace(charge.Currency)
                    ? ErrorBody.BadRequest("A charge needs an orderId, a currency and a positive amount.")
                    : Results.Ok(ledger.Charge(charge, http.Request.Headers[PaymentLedger.IdempotencyHeader].FirstOrDefault()))));

        group.MapPost("/inventory/reservations", (ReservationRequest reservation, HttpContext http, ChaosInjector chaos, TimeProvider time) =>
            Serve(http, chaos, DemoServices.Inventory, () =>
                reservation.Quantity <= 0 || string.IsNullOrWhiteSpace(reservation.ProductId)
                    ? ErrorBody.BadRequest("A reservation needs a productId and a positive quantity.")
                    : !DemoData.IsProductId(reservation.ProductId) ? NoSuchProduct(reservation.ProductId)
                    : Results.Ok(new Reservation($"r-{Guid.NewGuid():N}", reservation.ProductId, reservation.Quantity,
                        time.GetUtcNow().AddMinutes(15)))));

        group.MapGet("/inventory/stock/{productId}", (string productId, HttpContext http, ChaosInjector chaos) =>
            Serve(http, chaos, DemoServices.Inventory, () => DemoData.IsProductId(productId) ? Results.Ok(DemoData.Stock(productId)) : NoSuchProduct(productId)));

        group.MapGet("/reviews/{productId}", (string productId, HttpContext http, ChaosInjector chaos) =>
            Serve(http, chaos, DemoServices.Reviews, () => DemoData.IsProductId(productId) ? Results.Ok(DemoData.Reviews(productId)) : NoSuchProduct(productId)));

        return app;
    }

    private static IResult NoSuchProduct(string productId) =>
        ErrorBody.NotFound($"There is no product '{(productId.Length <= 64 ? productId : productId[..64] + "...")}'.");

    private static async Task<IResult> Serve(HttpContext http, ChaosInjector chaos, string service, Func<IResult> answer)
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
            return await chaos.ApplyAsync(service, deadline, ct) ?? answer();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller gave up (its guarded call timed out): nobody reads this answer.
            return Results.StatusCode(499);
        }
    }
}
