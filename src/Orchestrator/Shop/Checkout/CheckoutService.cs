using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Microsoft.Extensions.Primitives;
using Orchestrator.Actors.Client;
using Orchestrator.Contracts;
using Orchestrator.Node.Api;
using Orchestrator.Node.Downstream;
using Orchestrator.Node.Shop.Orders;

namespace Orchestrator.Node.Shop;

/// <summary>
/// The checkout (CRITICAL), idempotent by the <c>Idempotency-Key</c> request header (the semantics of the IETF draft
/// and of payment APIs): the same key and the same request give the same order and the same answer, stored durably
/// with the order; the same key with another request is 422; a key whose first request is still running is 409. A
/// checkout refused with nothing done (an unknown product, a quantity inventory refuses) keeps nothing: its key is free again.
/// Without the header the node chooses a key (and says it in the answer), so a repeat of an answer it could not give
/// is still safe. The order's id follows from the key, so a repeat always names the same order.
/// <para>
/// The steps: reserve stock (a refusal is the caller's answer, not kept: 404 naming the product, 409, 422), store the order,
/// charge it with the order id as the payment's idempotency key; paid: 200. When the charge does not go through, it
/// is queued in the durable write queue and the answer is 202 <c>pending_payment</c>; when payments refuses it for
/// good, the order is <c>payment_failed</c> (402) and its stock released. When the order book does not confirm that
/// the order is stored, the answer is 503 naming the order and the key, and that the outcome is unknown: never "not
/// stored" about an order that may be.
/// </para>
/// </summary>
public sealed partial class CheckoutService(IGuardedCalls calls, DownstreamClient downstream, OrderStore orders, Orders.PaymentFailures failures,
    Orchestrator.WriteQueue.IWriteQueue writes, TimeProvider time, ILogger<CheckoutService> log)
{
    /// <summary>The request header that makes a checkout idempotent.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>The answer header of a repeat answered from the stored answer.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The id of the order placed under <paramref name="key"/>: the same for every repeat.</summary>
    public static string OrderIdFor(string key) =>
        "o-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("order:" + key)))[..32];

    /// <summary>Runs <paramref name="request"/> under the key of <paramref name="keyHeader"/> (none: one the node chooses).</summary>
    public async Task<IResult> CheckoutAsync(CheckoutRequest request, StringValues keyHeader, CancellationToken ct)
    {
        if (request.IsInvalid(out var problem)) return ErrorBody.BadRequest($"The checkout is not valid: {problem}");
        if (keyHeader.Count > 1) return ErrorBody.BadRequest($"{IdempotencyHeader} may be given once, not {keyHeader.Count} times.");
        var given = keyHeader.Count == 1 ? keyHeader[0] : null;
        if (given is not null && InputLimits.CheckId(IdempotencyHeader, given) is { } bad) return ErrorBody.BadRequest(bad);
        var key = given ?? $"k-{Guid.NewGuid():N}";
        var hash = request.Hash();

        object begun;
        try
        {
            begun = await orders.BeginCheckoutAsync(key, hash, ct);
        }
        catch (Exception e) when (e is InvalidOperationException or AskTimeoutException)
        {
            NodeMetrics.CheckoutEnded("unavailable");
            return WithRetryAfter(ErrorBody.Result(StatusCodes.Status503ServiceUnavailable,
                $"The checkout cannot be served now: the order book is not available ({e.Message}). Nothing was done; sending the request again is safe."));
        }
        switch (begun)
        {
            case CheckoutReplay replay:
                NodeMetrics.CheckoutEnded("replayed");
                return new CheckoutAnswer(replay.Status, replay.Body, Replayed: true);
            case CheckoutInProgress:
                NodeMetrics.CheckoutEnded("in_progress");
                return WithRetryAfter(ErrorBody.Result(StatusCodes.Status409Conflict,
                    $"A checkout with {IdempotencyHeader} '{InputLimits.Quote(key)}' is still being processed; send it again once that one has answered (within seconds)."));
            case CheckoutKeyConflict conflict:
                NodeMetrics.CheckoutEnded("key_conflict");
                return ErrorBody.Result(StatusCodes.Status422UnprocessableEntity,
                    $"{IdempotencyHeader} '{InputLimits.Quote(key)}' was already used for another checkout{(conflict.OrderId is { } id ? $" (order '{id}')" : "")} " +
                    "with a different user, product or quantity; a different checkout needs a different key.");
        }

        var existing = ((CheckoutBegun)begun).Existing;
        var kept = false;
        try
        {
            var outcome = existing is null ? await PlaceAsync(request, key, hash, ct) : await ResumeAsync(existing, key, ct);
            if (outcome.Keep) kept = await KeepAsync(key, hash, outcome);
            NodeMetrics.CheckoutEnded(outcome.Result);
            return new CheckoutAnswer(outcome.Status, outcome.Body, Replayed: false) { RetryAfter = !outcome.Keep && outcome.Status == StatusCodes.Status503ServiceUnavailable };
        }
        finally
        {
            if (!kept) await EndAsync(key);
        }
    }

    /// <summary>A new checkout: reserve, store the order under the key, charge.</summary>
    private async Task<CheckoutOutcome> PlaceAsync(CheckoutRequest request, string key, string hash, CancellationToken ct)
    {
        var orderId = OrderIdFor(key);
        var reservation = await calls.CallAsync(new GuardedCall<Reservation>(DemoServices.Inventory,
            t => downstream.ReserveAsync(new ReservationRequest(request.ProductId!, request.Quantity), t))
        {
            Key = orderId, Tier = Tier.Critical, Feature = ShopService.CheckoutFeature,
        }, ct);
        // Not kept: nothing was done (no order, no stock held), so a repeat is tried afresh, as payment APIs do with a
        // request that fails validation; and a stranger's refused checkouts, each under a new key, write nothing.
        if (reservation.IsRefused)
            return CheckoutOutcome.Passing(RefusedBody.StatusOf(reservation), RefusedBody.Of(reservation, status => status == StatusCodes.Status404NotFound
                ? $"The checkout's productId names no product: there is no product '{InputLimits.Quote(request.ProductId!)}'."
                : $"The checkout was refused by '{reservation.Dependency}': check productId and quantity."), null, "refused");
        if (!reservation.IsSuccess)
            return CheckoutOutcome.Passing(StatusCodes.Status503ServiceUnavailable, CriticalFailureBody.Of(reservation, "checkout"), null, "unavailable");

        var held = reservation.Value!;
        var price = DemoData.PriceOf(request.ProductId!) * request.Quantity;
        var order = new Order(orderId, request.UserId!, request.ProductId!, request.Quantity, price, "EUR", held.ReservationId, OrderStatus.PendingPayment,
            time.GetUtcNow()) { IdempotencyKey = key, RequestHash = hash, ReservationExpiresAt = held.ExpiresAt };
        var (placed, unknown) = await orders.PlaceAsync(order, ct);
        if (placed is null)
        {
            LogOutcomeUnknown(orderId, key, unknown!);
            return CheckoutOutcome.Passing(StatusCodes.Status503ServiceUnavailable, new UnknownCheckout(
                $"The outcome of the checkout is not known: {unknown} The order '{orderId}' may be stored. Send the same request again with the header " +
                $"'{IdempotencyHeader}: {key}': that is safe, and answers this order if it was stored, or places it once.",
                "unknown", orderId, key), orderId, "unknown");
        }
        return await ChargeAsync(placed, held, key, ct);
    }

    /// <summary>A repeat of a checkout that placed its order but could not keep its answer (the node stopped, the journal failed): from where the order stands.</summary>
    private Task<CheckoutOutcome> ResumeAsync(Order order, string key, CancellationToken ct)
    {
        var reservation = new Reservation(order.ReservationId, order.ProductId, order.Quantity, order.ReservationExpiresAt ?? order.PlacedAt + InventoryLedger.HoldFor);
        return order.Status switch
        {
            OrderStatus.Paid => Task.FromResult(CheckoutOutcome.Final(StatusCodes.Status200OK, new CheckoutReceipt(order.OrderId, OrderStatus.Paid, reservation,
                new ChargeReceipt(order.ChargeId!, order.OrderId, order.Amount, order.Currency, "captured"), key), order.OrderId, "placed")),
            OrderStatus.PaymentFailed => Task.FromResult(Failed(order, key)),
            _ when order.PaymentWriteId is { } writeId => Task.FromResult(CheckoutOutcome.Final(StatusCodes.Status202Accepted,
                new PendingCheckout(OrderStatus.PendingPayment, order.OrderId, writeId, reservation, "its charge was queued before", key), order.OrderId, "placed")),
            _ => ChargeAsync(order, reservation, key, ct),
        };
    }

    /// <summary>
    /// Charges a stored order, with its id as the payment's idempotency key. Paid: 200. Refused for good: the order's
    /// payment fails (402). Otherwise the charge is queued (202); when it cannot be queued either, 503 naming the order:
    /// the payment recovery queues it, and a repeat of the checkout tries again.
    /// </summary>
    private async Task<CheckoutOutcome> ChargeAsync(Order order, Reservation reservation, string key, CancellationToken ct)
    {
        var chargeRequest = new ChargeRequest(order.OrderId, order.Amount, order.Currency);
        var charge = await calls.CallAsync(new GuardedCall<ChargeReceipt>(DemoServices.Payments, t => downstream.ChargeAsync(chargeRequest, order.OrderId, t))
        {
            Key = order.OrderId, Tier = Tier.Critical, Feature = ShopService.CheckoutFeature,
        }, ct);
        if (charge.IsRefused)
            return Failed(await failures.FailAsync(order.OrderId, $"payments refused the charge: {charge.Refusal!.Message}", ct), key);

        var reason = charge.Detail ?? charge.Reason.ToString();
        if (charge.IsSuccess)
        {
            try
            {
                await orders.MarkPaidAsync(order.OrderId, charge.Value!.ChargeId, ct);
                return CheckoutOutcome.Final(StatusCodes.Status200OK, new CheckoutReceipt(order.OrderId, OrderStatus.Paid, reservation, charge.Value!, key), order.OrderId, "placed");
            }
            catch (Exception e) when (e is InvalidOperationException or AskTimeoutException)
            {
                // Charged, but not recorded: the queued charge repeats it under the same idempotency key (applied once) and records it.
                reason = e.Message;
            }
        }

        var queued = await writes.EnqueueAsync(new EnqueueWrite(DemoServices.Payments, order.UserId, PaymentWriteTarget.Payload(chargeRequest), order.OrderId), ct);
        if (!queued.Accepted)
            return CheckoutOutcome.Passing(StatusCodes.Status503ServiceUnavailable, new UnqueuedCheckout(
                $"The checkout cannot be completed now: the payment failed ({reason}) and its charge could not be queued: {queued.Error} " +
                $"The order is stored as {OrderStatus.PendingPayment}; the node's payment recovery queues its charge within Shop:PaymentRecoveryInterval, " +
                $"and sending the same request again with '{IdempotencyHeader}: {key}' is safe: the order is charged once, however often.",
                order.OrderId, key, OrderStatus.PendingPayment), order.OrderId, "unavailable");
        try
        {
            await orders.RecordChargeQueuedAsync(order.OrderId, queued.Id!, ct);
        }
        catch (Exception e) when (e is InvalidOperationException or AskTimeoutException)
        {
            // The charge is queued (durably): it is delivered and marks the order paid all the same. The payment
            // recovery, finding no queued charge recorded, queues it again, and the queue answers with the same entry.
            LogChargeNotRecorded(order.OrderId, queued.Id!, e.Message);
        }
        return CheckoutOutcome.Final(StatusCodes.Status202Accepted, new PendingCheckout(OrderStatus.PendingPayment, order.OrderId, queued.Id!, reservation, reason, key),
            order.OrderId, "placed");
    }

    private static CheckoutOutcome Failed(Order order, string key) =>
        CheckoutOutcome.Final(StatusCodes.Status402PaymentRequired, new FailedCheckout(
            $"The payment of order '{order.OrderId}' failed for good: {order.FailedReason}. Nothing was charged, and its stock is released.",
            OrderStatus.PaymentFailed, order.OrderId, order.FailedReason ?? "unknown", key), order.OrderId, "payment_failed");

    /// <summary>Stores the answer for the repeats of <paramref name="key"/>; false when it could not (a repeat then resumes from the order).</summary>
    private async Task<bool> KeepAsync(string key, string hash, CheckoutOutcome outcome)
    {
        try
        {
            // Not the request's token: the answer is given whether or not its caller is still there, and must be kept.
            await orders.RecordAnswerAsync(key, hash, outcome.OrderId, outcome.Status, outcome.Body, CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or AskTimeoutException)
        {
            LogAnswerNotKept(key, outcome.OrderId, e.Message);
            return false;
        }
    }

    private async Task EndAsync(string key)
    {
        try
        {
            await orders.EndCheckoutAsync(key, CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // The order book is not running: its leases went with it.
        }
    }

    private static IResult WithRetryAfter(IResult inner) => new RetryAfterResult(inner);

    private sealed class RetryAfterResult(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = "1";
            return inner.ExecuteAsync(httpContext);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout of order {OrderId} (key {IdempotencyKey}): its outcome is not known: {Problem}; the caller is told so, and that a repeat with the key is safe")]
    private partial void LogOutcomeUnknown(string orderId, string idempotencyKey, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}: its charge is queued as {WriteId}, but the order book did not record that: {Error}")]
    private partial void LogChargeNotRecorded(string orderId, string writeId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout with key {IdempotencyKey} (order {OrderId}): its answer could not be kept ({Error}); a repeat resumes from the order instead")]
    private partial void LogAnswerNotKept(string idempotencyKey, string? orderId, string error);
}

/// <summary>A checkout's answer: its JSON as it was built (or kept), and on a repeat the <c>Idempotent-Replayed: true</c> header.</summary>
internal sealed record CheckoutAnswer(int Status, string Body, bool Replayed) : IResult
{
    /// <summary>Whether to say <c>Retry-After: 1</c> (an answer that a repeat may change).</summary>
    public bool RetryAfter { get; init; }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        response.ContentType = "application/json; charset=utf-8";
        if (Replayed) response.Headers[CheckoutService.ReplayedHeader] = "true";
        if (RetryAfter) response.Headers.RetryAfter = "1";
        return response.WriteAsync(Body, httpContext.RequestAborted);
    }
}
