namespace Orchestrator.Node.Shop.Orders;

// The order book's protocol.

/// <summary>Stores a new order; answered <see cref="OrderStored"/> once it is in the journal, else <see cref="OrderNotStored"/>.</summary>
public sealed record PlaceOrder(Order Order);

/// <summary>
/// Marks an order paid (again is harmless; an order whose payment was marked failed is paid after all when its charge
/// went through on a re-drive); answered <see cref="OrderStored"/> or <see cref="OrderNotFound"/>.
/// </summary>
public sealed record MarkOrderPaid(string OrderId, string ChargeId);

/// <summary>
/// Marks an unpaid order's payment failed for good, with <paramref name="Reason"/> (again is harmless; a paid order
/// stays paid); answered <see cref="OrderStored"/> or <see cref="OrderNotFound"/>.
/// </summary>
public sealed record MarkPaymentFailed(string OrderId, string Reason);

/// <summary>Records that a failed order's stock release waits in the write queue as <paramref name="WriteId"/>; answered <see cref="OrderStored"/> or <see cref="OrderNotFound"/>.</summary>
public sealed record RecordReleaseQueued(string OrderId, string WriteId);

/// <summary>The orders whose payment failed and whose stock release was never queued, at most <paramref name="Limit"/>; answered <see cref="OrderList"/>.</summary>
public sealed record GetFailedAwaitingRelease(int Limit);

/// <summary>
/// A checkout under idempotency key <paramref name="Key"/> begins, for a request of <paramref name="RequestHash"/>.
/// Answered <see cref="CheckoutBegun"/> (the key is the caller's until it answers or ends it), <see cref="CheckoutReplay"/>
/// (the key was answered: its answer again), <see cref="CheckoutInProgress"/> (another request holds the key) or
/// <see cref="CheckoutKeyConflict"/> (the key was used for another request).
/// </summary>
public sealed record BeginCheckout(string Key, string RequestHash);

/// <summary>The checkout may go on; <paramref name="Existing"/> is the order already placed under its key (a checkout cut short before it answered), to resume.</summary>
public sealed record CheckoutBegun(string Key, Order? Existing);

/// <summary>The key was answered before: the same answer again.</summary>
public sealed record CheckoutReplay(string Key, int Status, string Body);

/// <summary>Another request with this key is still running.</summary>
public sealed record CheckoutInProgress(string Key);

/// <summary>The key was used for another checkout request (its order, when one was placed).</summary>
public sealed record CheckoutKeyConflict(string Key, string? OrderId);

/// <summary>Stores the answer of the checkout under <paramref name="Key"/> (and frees the key); answered <see cref="CheckoutAnswerStored"/>.</summary>
public sealed record RecordCheckoutAnswer(string Key, string RequestHash, string? OrderId, int Status, string Body);

/// <summary>The checkout's answer is stored.</summary>
public sealed record CheckoutAnswerStored(string Key);

/// <summary>The checkout under <paramref name="Key"/> ended without an answer to keep: the key is free again. Not answered.</summary>
public sealed record EndCheckout(string Key);

/// <summary>
/// Records that the order's charge waits in the write queue as <paramref name="WriteId"/> (again is harmless);
/// answered <see cref="OrderStored"/> or <see cref="OrderNotFound"/>.
/// </summary>
public sealed record RecordChargeQueued(string OrderId, string WriteId);

/// <summary>
/// Lists orders, oldest first: those with <paramref name="Status"/> (every order when null), at most
/// <paramref name="Limit"/>; answered <see cref="OrderList"/>.
/// </summary>
public sealed record ListOrders(string? Status, int Limit)
{
    /// <summary>Orders to skip first (the next page).</summary>
    public int Offset { get; init; }
}

/// <summary>
/// The unpaid orders placed before <paramref name="PlacedBefore"/> whose charge was never queued (the node stopped
/// between storing the order and queueing its charge), oldest first, at most <paramref name="Limit"/>; answered
/// <see cref="OrderList"/>.
/// </summary>
public sealed record GetOrdersAwaitingCharge(DateTimeOffset PlacedBefore, int Limit);

/// <summary>
/// The unpaid orders placed before <paramref name="PlacedBefore"/> whose charge was queued, oldest first, at most
/// <paramref name="Limit"/>; answered <see cref="OrderList"/>.
/// </summary>
public sealed record GetOrdersWithChargeQueued(DateTimeOffset PlacedBefore, int Limit);

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
