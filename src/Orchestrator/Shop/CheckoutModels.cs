using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Orchestrator.Node.Api;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Shop;

/// <summary>The body of <c>POST /shop/checkout</c>: strict JSON, no other fields.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CheckoutRequest(string? UserId, string? ProductId, int Quantity)
{
    /// <summary>The most items of one product a checkout may take.</summary>
    public const int MaxQuantity = 100;

    /// <summary>Whether the request is wrong, and then what is wrong, naming the field.</summary>
    [MemberNotNullWhen(false, nameof(UserId), nameof(ProductId))]
    public bool IsInvalid([NotNullWhen(true)] out string? problem)
    {
        problem = InputLimits.CheckId("userId", UserId)
            ?? InputLimits.CheckId("productId", ProductId)
            ?? (Quantity is < 1 or > MaxQuantity ? $"quantity must be a whole number from 1 to {MaxQuantity}, not {Quantity}." : null);
        return problem is not null;
    }
}

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

/// <summary>
/// A checkout whose order is stored but whose charge could neither be taken nor queued (503): the order stays
/// <c>pending_payment</c> until the payment recovery queues its charge; the idempotency key (the order id) makes any
/// repeat of the charge harmless.
/// </summary>
public sealed record UnqueuedCheckout(string Error, string OrderId, string IdempotencyKey, string Status);
