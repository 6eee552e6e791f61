using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Shop.Orders;

/// <summary>
/// An order as <c>GET /shop/orders/{orderId}</c> shows it: the stored order, and the charges the payments service
/// recorded for it (<see cref="Charges"/> is null when payments could not be asked; <see cref="ChargesUnavailable"/>
/// then says why).
/// </summary>
public sealed record OrderView(
    string OrderId,
    string UserId,
    string ProductId,
    int Quantity,
    decimal Amount,
    string Currency,
    string ReservationId,
    string Status,
    DateTimeOffset PlacedAt,
    string? ChargeId,
    DateTimeOffset? PaidAt,
    string? PaymentWriteId,
    IReadOnlyList<RecordedCharge>? Charges,
    string? ChargesUnavailable)
{
    /// <summary>The view of <paramref name="order"/>.</summary>
    public static OrderView From(Order order, IReadOnlyList<RecordedCharge>? charges, string? chargesUnavailable) =>
        new(order.OrderId, order.UserId, order.ProductId, order.Quantity, order.Amount, order.Currency, order.ReservationId, order.Status,
            order.PlacedAt, order.ChargeId, order.PaidAt, order.PaymentWriteId, charges, chargesUnavailable);
}
