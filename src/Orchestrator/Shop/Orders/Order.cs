namespace Orchestrator.Node.Shop.Orders;

/// <summary>An order of the demo shop, as stored in the order book.</summary>
/// <param name="OrderId">The order's id.</param>
/// <param name="UserId">Who ordered.</param>
/// <param name="ProductId">What.</param>
/// <param name="Quantity">How many.</param>
/// <param name="Amount">The price to charge.</param>
/// <param name="Currency">Its currency.</param>
/// <param name="ReservationId">The stock held for it.</param>
/// <param name="Status"><see cref="OrderStatus.PendingPayment"/> until the charge went through (<see cref="OrderStatus.Paid"/>) or was refused for good (<see cref="OrderStatus.PaymentFailed"/>).</param>
/// <param name="PlacedAt">When it was placed.</param>
/// <param name="ChargeId">The charge that paid it.</param>
/// <param name="PaidAt">When it was paid.</param>
/// <param name="PaymentWriteId">The write-queue entry that charges it, once its charge was queued.</param>
public sealed record Order(
    string OrderId,
    string UserId,
    string ProductId,
    int Quantity,
    decimal Amount,
    string Currency,
    string ReservationId,
    string Status,
    DateTimeOffset PlacedAt,
    string? ChargeId = null,
    DateTimeOffset? PaidAt = null,
    string? PaymentWriteId = null)
{
    /// <summary>The checkout's idempotency key (the caller's <c>Idempotency-Key</c>, or one the node chose).</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The hash of the checkout's request (user, product, quantity): a repeat under the same key must match it.</summary>
    public string? RequestHash { get; init; }

    /// <summary>When the stock held for it is released unless released before.</summary>
    public DateTimeOffset? ReservationExpiresAt { get; init; }

    /// <summary>Why the payment failed for good (<see cref="OrderStatus.PaymentFailed"/>).</summary>
    public string? FailedReason { get; init; }

    /// <summary>When the payment was found to have failed for good.</summary>
    public DateTimeOffset? FailedAt { get; init; }

    /// <summary>The write-queue entry that releases its stock, once queued (after a failed payment).</summary>
    public string? ReleaseWriteId { get; init; }
}

/// <summary>The states of an order, as they appear in JSON.</summary>
public static class OrderStatus
{
    /// <summary>Stored, stock reserved, the charge not yet through (it waits in the write queue).</summary>
    public const string PendingPayment = "pending_payment";

    /// <summary>Charged.</summary>
    public const string Paid = "paid";

    /// <summary>The payments service refused the charge for good, or it failed every attempt: not charged, stock released.</summary>
    public const string PaymentFailed = "payment_failed";

    /// <summary>Every status, as the order list accepts them.</summary>
    public static readonly IReadOnlyList<string> All = [PendingPayment, Paid, PaymentFailed];
}
