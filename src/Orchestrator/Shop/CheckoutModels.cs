using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Shop;

/// <summary>The body of <c>POST /shop/checkout</c>.</summary>
public sealed record CheckoutRequest(string? UserId, string? ProductId, int Quantity);

/// <summary>A completed checkout (200): the order is stored and paid.</summary>
/// <param name="Status">Always <c>paid</c>.</param>
public sealed record CheckoutReceipt(string OrderId, string Status, Reservation Reservation, ChargeReceipt Charge);

/// <summary>
/// A checkout whose payment could not be taken now (202): the order is stored with its stock reserved, and the
/// charge waits in the write queue; <c>GET /shop/orders/{orderId}</c> shows when it is paid.
/// </summary>
/// <param name="Status">Always <c>pending_payment</c>.</param>
/// <param name="OrderId">The stored order.</param>
/// <param name="PaymentWriteId">The queued charge's entry in the write queue.</param>
/// <param name="Reservation">The stock held for the order.</param>
/// <param name="Reason">Why the charge could not be taken at once.</param>
public sealed record PendingCheckout(string Status, string OrderId, string PaymentWriteId, Reservation Reservation, string Reason);
