namespace Orchestrator.Node.Shop.Orders;

// The order book's protocol.

/// <summary>Stores a new order; answered <see cref="OrderStored"/> once it is in the journal, else <see cref="OrderNotStored"/>.</summary>
public sealed record PlaceOrder(Order Order);

/// <summary>Marks an order paid (again is harmless); answered <see cref="OrderStored"/> or <see cref="OrderNotFound"/>.</summary>
public sealed record MarkOrderPaid(string OrderId, string ChargeId);

/// <summary>Asks for an order; answered with the <see cref="Order"/> or <see cref="OrderNotFound"/>.</summary>
public sealed record GetOrder(string OrderId);

/// <summary>The order is stored as it now is.</summary>
public sealed record OrderStored(Order Order);

/// <summary>The order could not be stored; <paramref name="Error"/> names the problem.</summary>
public sealed record OrderNotStored(string OrderId, string Error);

/// <summary>No order has this id.</summary>
public sealed record OrderNotFound(string OrderId);
