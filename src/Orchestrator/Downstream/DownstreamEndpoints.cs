using Orchestrator.Node.Api;
using Orchestrator.Node.Chaos;

namespace Orchestrator.Node.Downstream;

/// <summary>
/// The simulated downstream services, served over real HTTP by this node under <c>/downstream</c>. Every request
/// first passes through the service's chaos (<see cref="ChaosInjector"/>): added latency, outages and errors.
/// </summary>
public static class DownstreamEndpoints
{
    /// <summary>Maps the six simulated services.</summary>
    public static IEndpointRouteBuilder MapDownstreamServices(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/downstream").ExcludeFromDescription();

        group.MapGet("/profile/{userId}", (string userId, ChaosInjector chaos, CancellationToken ct) =>
            Serve(chaos, DemoServices.Profile, () => Results.Ok(DemoData.Profile(userId)), ct));

        group.MapGet("/recommendations/{userId}", (string userId, ChaosInjector chaos, CancellationToken ct) =>
            Serve(chaos, DemoServices.Recommendations, () => Results.Ok(DemoData.Recommendations(userId)), ct));

        group.MapGet("/notifications/{userId}", (string userId, ChaosInjector chaos, CancellationToken ct) =>
            Serve(chaos, DemoServices.Notifications, () => Results.Ok(DemoData.Notifications(userId)), ct));

        group.MapPost("/payments/charges", (ChargeRequest charge, ChaosInjector chaos, CancellationToken ct) =>
            Serve(chaos, DemoServices.Payments, () =>
                charge.Amount <= 0 || string.IsNullOrWhiteSpace(charge.OrderId) || string.IsNullOrWhiteSpace(charge.Currency)
                    ? ErrorBody.BadRequest("A charge needs an orderId, a currency and a positive amount.")
                    : Results.Ok(new ChargeReceipt($"ch-{Guid.NewGuid():N}", charge.OrderId, charge.Amount, charge.Currency, "captured")), ct));

        group.MapPost("/inventory/reservations", (ReservationRequest reservation, ChaosInjector chaos, CancellationToken ct) =>
            Serve(chaos, DemoServices.Inventory, () =>
                reservation.Quantity <= 0 || string.IsNullOrWhiteSpace(reservation.ProductId)
                    ? ErrorBody.BadRequest("A reservation needs a productId and a positive quantity.")
                    : Results.Ok(new Reservation($"r-{Guid.NewGuid():N}", reservation.ProductId, reservation.Quantity,
                        DateTimeOffset.UtcNow.AddMinutes(15))), ct));

        group.MapGet("/inventory/stock/{productId}", (string productId, ChaosInjector chaos, CancellationToken ct) =>
            Serve(chaos, DemoServices.Inventory, () => Results.Ok(DemoData.Stock(productId)), ct));

        group.MapGet("/reviews/{productId}", (string productId, ChaosInjector chaos, CancellationToken ct) =>
            Serve(chaos, DemoServices.Reviews, () => Results.Ok(DemoData.Reviews(productId)), ct));

        return app;
    }

    private static async Task<IResult> Serve(ChaosInjector chaos, string service, Func<IResult> answer, CancellationToken ct)
    {
        try
        {
            return await chaos.ApplyAsync(service, ct) ?? answer();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller gave up (its guarded call timed out): nobody reads this answer.
            return Results.StatusCode(499);
        }
    }
}
