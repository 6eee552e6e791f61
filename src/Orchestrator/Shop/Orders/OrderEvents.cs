namespace Orchestrator.Node.Shop.Orders;

// The order book's journal events.

/// <summary>An order was placed (stock reserved, payment pending).</summary>
public sealed record OrderPlaced(Order Order);

/// <summary>An order's charge went through.</summary>
public sealed record OrderPaid(string OrderId, string ChargeId, DateTimeOffset PaidAt);

/// <summary>An order's charge waits in the write queue as entry <paramref name="WriteId"/>.</summary>
public sealed record OrderChargeQueued(string OrderId, string WriteId);
