using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Shop.Orders;

/// <summary>
/// An order as <c>GET /shop/orders/{orderId}</c> shows it: the stored order, the charges the payments service
/// recorded for it (<see cref="Charges"/> is null when payments could not be asked; <see cref="ChargesUnavailable"/>
/// then says why), and for an unpaid order why it waits (<see cref="PendingReason"/>) or why it failed.
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
    /// <summary>For a <c>pending_payment</c> order: why it is not paid yet (where its charge stands).</summary>
    public string? PendingReason { get; init; }

    /// <summary>For a <c>payment_failed</c> order: why.</summary>
    public string? FailedReason { get; init; }

    /// <summary>When its payment was found to have failed.</summary>
    public DateTimeOffset? FailedAt { get; init; }

    /// <summary>The write-queue entry that releases its stock (after a failed payment).</summary>
    public string? ReleaseWriteId { get; init; }

    /// <summary>The view of <paramref name="order"/>.</summary>
    public static OrderView From(Order order, IReadOnlyList<RecordedCharge>? charges, string? chargesUnavailable, string? pendingReason) =>
        new(order.OrderId, order.UserId, order.ProductId, order.Quantity, order.Amount, order.Currency, order.ReservationId, order.Status,
            order.PlacedAt, order.ChargeId, order.PaidAt, order.PaymentWriteId, charges, chargesUnavailable)
        {
            PendingReason = pendingReason,
            FailedReason = order.FailedReason,
            FailedAt = order.FailedAt,
            ReleaseWriteId = order.ReleaseWriteId,
        };
}
