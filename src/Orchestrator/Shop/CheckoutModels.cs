using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Shop;

/// <summary>The body of <c>POST /shop/checkout</c>.</summary>
public sealed record CheckoutRequest(string? UserId, string? ProductId, int Quantity);

/// <summary>A completed checkout.</summary>
public sealed record CheckoutReceipt(string OrderId, Reservation Reservation, ChargeReceipt Charge);
