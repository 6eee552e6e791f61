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

    /// <summary>
    /// The request's fingerprint: a repeat under the same idempotency key must have the same (SHA-256 of user,
    /// product and quantity; ids hold no line breaks, so the fields cannot run into each other).
    /// </summary>
    public string Hash() => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes($"{UserId}\n{ProductId}\n{Quantity}")));
}

/// <summary>A completed checkout (200): the order is stored and paid.</summary>
/// <param name="Status">Always <c>paid</c>.</param>
/// <param name="IdempotencyKey">The checkout's key (the caller's, or one the node chose): sending the same request with it is always safe.</param>
public sealed record CheckoutReceipt(string OrderId, string Status, Reservation Reservation, ChargeReceipt Charge, string IdempotencyKey);

/// <summary>
/// A checkout whose payment could not be taken now (202): the order is stored with its stock reserved, and the
/// charge waits in the write queue; <c>GET /shop/orders/{orderId}</c> shows when it is paid.
/// </summary>
/// <param name="Status">Always <c>pending_payment</c>.</param>
/// <param name="OrderId">The stored order.</param>
/// <param name="PaymentWriteId">The queued charge's entry in the write queue.</param>
/// <param name="Reservation">The stock held for the order.</param>
/// <param name="Reason">Why the charge could not be taken at once.</param>
/// <param name="IdempotencyKey">The checkout's key.</param>
public sealed record PendingCheckout(string Status, string OrderId, string PaymentWriteId, Reservation Reservation, string Reason, string IdempotencyKey);

/// <summary>A checkout whose payment the payments service refused for good (402): nothing is charged, the stock is released.</summary>
/// <param name="Error">A sentence naming the problem.</param>
/// <param name="Status">Always <c>payment_failed</c>.</param>
public sealed record FailedCheckout(string Error, string Status, string OrderId, string Reason, string IdempotencyKey);

/// <summary>
/// A checkout whose outcome is not known (503): the order book did not confirm whether the order is stored. It may
/// be: sending the same request again with <paramref name="IdempotencyKey"/> is safe, and answers this order if it was
/// stored, or places it once.
/// </summary>
/// <param name="Status">Always <c>unknown</c>.</param>
public sealed record UnknownCheckout(string Error, string Status, string OrderId, string IdempotencyKey);

/// <summary>
/// A checkout whose order is stored but whose charge could neither be taken nor queued (503): the order stays
/// <c>pending_payment</c> until the payment recovery queues its charge; the charge's idempotency key (the order id)
/// makes any repeat of the charge harmless.
/// </summary>
public sealed record UnqueuedCheckout(string Error, string OrderId, string IdempotencyKey, string Status);
