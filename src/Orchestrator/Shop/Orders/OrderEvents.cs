namespace Orchestrator.Node.Shop.Orders;

// The order book's journal events. Their shape is stored (OrderJournalSerializer, JSON): change it only in ways
// that still read what was written (add optional members; never rename or remove one).

/// <summary>An order was placed (stock reserved, payment pending).</summary>
public sealed record OrderPlaced(Order Order) : IOrderJournalEntry;

/// <summary>An order's charge went through.</summary>
public sealed record OrderPaid(string OrderId, string ChargeId, DateTimeOffset PaidAt) : IOrderJournalEntry;

/// <summary>An order's charge waits in the write queue as entry <paramref name="WriteId"/>.</summary>
public sealed record OrderChargeQueued(string OrderId, string WriteId) : IOrderJournalEntry;

/// <summary>An order's payment failed for good: refused by the payments service, or poisoned after every attempt.</summary>
public sealed record OrderPaymentFailed(string OrderId, string Reason, DateTimeOffset FailedAt) : IOrderJournalEntry;

/// <summary>The release of a failed order's stock waits in the write queue as entry <paramref name="WriteId"/>.</summary>
public sealed record OrderReleaseQueued(string OrderId, string WriteId) : IOrderJournalEntry;

/// <summary>
/// A checkout under idempotency key <paramref name="Key"/> was answered: its request's hash, its order (none when it
/// was refused before an order was placed) and the answer it got, given again to every repeat.
/// </summary>
public sealed record CheckoutAnswered(string Key, string RequestHash, string? OrderId, int Status, string Body) : IOrderJournalEntry;

/// <summary>
/// The whole order book, saved every <c>Shop:OrderSnapshotEvery</c> events (or a quarter of the book's size), so that a start reads it and the events
/// after it instead of every event ever written.
/// </summary>
public sealed record OrderBookSnapshot(Order[] Orders, CheckoutKeyState[] Keys) : IOrderJournalEntry;
