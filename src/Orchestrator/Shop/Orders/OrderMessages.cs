namespace Orchestrator.Node.Shop.Orders;

// The order book's protocol.

/// <summary>Stores a new order; answered <see cref="OrderStored"/> once it is in the journal, else <see cref="OrderNotStored"/>.</summary>
public sealed record PlaceOrder(Order Order);

/// <summary>Marks an order paid (again is harmless); answered <see cref="OrderStored"/> or <see cref="OrderNotFound"/>.</summary>
public sealed record MarkOrderPaid(string OrderId, string ChargeId);

/// <summary>
/// Records that the order's charge waits in the write queue as <paramref name="WriteId"/> (again is harmless);
/// answered <see cref="OrderStored"/> or <see cref="OrderNotFound"/>.
/// </summary>
public sealed record RecordChargeQueued(string OrderId, string WriteId);

/// <summary>
/// Lists orders, oldest first: those with <paramref name="Status"/> (every order when null), at most
/// <paramref name="Limit"/>; answered <see cref="OrderList"/>.
/// </summary>
public sealed record ListOrders(string? Status, int Limit);

/// <summary>
/// The unpaid orders placed before <paramref name="PlacedBefore"/> whose charge was never queued (the node stopped
/// between storing the order and queueing its charge), oldest first, at most <paramref name="Limit"/>; answered
/// <see cref="OrderList"/>.
/// </summary>
public sealed record GetOrdersAwaitingCharge(DateTimeOffset PlacedBefore, int Limit);

/// <summary>Some orders, and how many matched in all.</summary>
public sealed record OrderList(string? Status, int Total, IReadOnlyList<Order> Orders);

/// <summary>Answered <see cref="OrdersFlushed"/> once every order event asked for before it is in the journal.</summary>
public sealed record FlushOrders
{
    public static readonly FlushOrders Instance = new();
}

/// <summary>Every order event asked for before <see cref="FlushOrders"/> is in the journal.</summary>
public sealed record OrdersFlushed(int Orders);

/// <summary>Asks for an order; answered with the <see cref="Order"/> or <see cref="OrderNotFound"/>.</summary>
public sealed record GetOrder(string OrderId);

/// <summary>The order is stored as it now is.</summary>
public sealed record OrderStored(Order Order);

/// <summary>The order could not be stored; <paramref name="Error"/> names the problem.</summary>
public sealed record OrderNotStored(string OrderId, string Error);

/// <summary>No order has this id.</summary>
public sealed record OrderNotFound(string OrderId);
