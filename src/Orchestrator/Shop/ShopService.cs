using Orchestrator.Actors.Client;
using Orchestrator.Actors.Composition;
using Orchestrator.WriteQueue;
using Orchestrator.Contracts;
using Orchestrator.Node.Api;
using Orchestrator.Node.Configuration;
using Orchestrator.Node.Downstream;
using Orchestrator.Node.Shop.Orders;

namespace Orchestrator.Node.Shop;

/// <summary>
/// The demo shop's pages, each built from guarded calls to the simulated services (through <see cref="IGuardedCalls"/>),
/// run in parallel, each section degrading on its own. The homepage runs its calls under one deadline
/// (<see cref="PageComposer"/>).
/// </summary>
public sealed class ShopService(IGuardedCalls calls, PageComposer composer, DownstreamClient downstream, OrderStore orders, IWriteQueue writes,
    TimeProvider time, ILogger<ShopService> log)
{
    /// <summary>The names of the homepage's parts, as they appear in its JSON.</summary>
    private const string ProfilePart = "profile", RecommendationsPart = "recommendations", NotificationsPart = "notifications";

    /// <summary>The features (<c>Orchestrator:Features</c>) the shop's calls belong to; each can be switched at <c>/api/features/{name}</c>.</summary>
    public const string ProfileFeature = "profile", RecommendationsFeature = "recommendations", NotificationsFeature = "notifications",
        ReviewsFeature = "reviews", StockFeature = "stock", CheckoutFeature = "checkout";

    /// <summary>
    /// The homepage: profile + recommendations + notifications, in parallel under one deadline <paramref name="budget"/>
    /// from now; whatever has not answered by then is left out, so the page never takes much longer than that.
    /// <list type="bullet">
    /// <item>Profile is CRITICAL: without it the page is not served at all (503 naming the problem) rather than shown
    /// for an anonymous user, because a personal page with someone else's (or no one's) details is worse than none.
    /// When the primary fails its read replica answers (<c>profile-replica</c>, possibly stale).</item>
    /// <item>Recommendations are OPTIONAL: personalised, else the cached list (stale-on-error), else the popular items
    /// (the call's own fallback, which also answers while the feature is switched off).</item>
    /// <item>Notifications are OPTIONAL: left out when they fail.</item>
    /// </list>
    /// </summary>
    public async Task<IResult> HomeAsync(string userId, TimeSpan budget, CancellationToken ct)
    {
        var page = await composer.ComposeAsync(budget,
        [
            PagePart.Of(ProfilePart, Tier.Critical, new GuardedCall<UserProfile>(DemoServices.Profile, t => downstream.GetProfileAsync(userId, t))
            {
                Key = $"profile:{userId}", Feature = ProfileFeature,
                ReplicaWork = t => downstream.GetProfileFromReplicaAsync(userId, t),
            }),
            PagePart.Of(RecommendationsPart, Tier.Optional, new GuardedCall<RecommendationList>(DemoServices.Recommendations,
                t => downstream.GetRecommendationsAsync(userId, t))
            {
                Key = $"recs:{userId}", Feature = RecommendationsFeature,
                Fallback = (_, _) => Task.FromResult(DemoData.PopularItems(userId)),
            }),
            PagePart.Of(NotificationsPart, Tier.Optional, new GuardedCall<NotificationList>(DemoServices.Notifications,
                t => downstream.GetNotificationsAsync(userId, t))
            {
                Key = $"notifications:{userId}", Feature = NotificationsFeature,
            }),
        ], ct);

        if (page.Refused?.Result is { } refused)
            return RefusedBody.For(refused, status => status == StatusCodes.Status404NotFound
                ? $"There is no user '{InputLimits.Quote(userId)}'."
                : $"The homepage of '{InputLimits.Quote(userId)}' cannot be shown: '{refused.Dependency}' refused the request.");
        if (page.Failed) return CriticalFailureBody.For(page[ProfilePart], DemoServices.Profile, "homepage");
        var home = new HomePage(userId, !page.Complete, Math.Round(budget.TotalMilliseconds, 1), page.Deadline,
            Math.Round(page.Elapsed.TotalMilliseconds, 1),
            PageSection<UserProfile>.From(page[ProfilePart], page.Elapsed),
            PageSection<RecommendationList>.From(page[RecommendationsPart], page.Elapsed),
            PageSection<NotificationList>.From(page[NotificationsPart], page.Elapsed));
        return Results.Ok(home);
    }

    /// <summary>
    /// A product page: stock (from inventory; IMPORTANT, feature <c>stock</c>: off under severe stress) and reviews
    /// (OPTIONAL, feature <c>reviews</c>: off under stress); either is left out when it fails or is switched off.
    /// </summary>
    public async Task<IResult> ProductAsync(string productId, CancellationToken ct)
    {
        var stock = calls.CallAsync(new GuardedCall<StockLevel>(DemoServices.Inventory, t => downstream.GetStockAsync(productId, t))
        {
            Key = productId, Tier = Tier.Important, Feature = StockFeature,
        }, ct);
        var reviews = calls.CallAsync(new GuardedCall<ReviewList>(DemoServices.Reviews, t => downstream.GetReviewsAsync(productId, t))
        {
            Key = productId, Tier = Tier.Optional, Feature = ReviewsFeature,
        }, ct);
        await Task.WhenAll(stock, reviews);
        // A product the services do not know is the caller's error: 404 naming it, not a degraded page.
        if (new ICallResult[] { stock.Result, reviews.Result }.FirstOrDefault(r => r.Outcome == CallOutcome.Refused) is { } refused)
            return RefusedBody.For(refused, status => status == StatusCodes.Status404NotFound
                ? $"There is no product '{InputLimits.Quote(productId)}'."
                : $"The product '{InputLimits.Quote(productId)}' cannot be shown: '{refused.Dependency}' refused the request.");
        var stockSection = PageSection<StockLevel>.From(stock.Result);
        var reviewsSection = PageSection<ReviewList>.From(reviews.Result);
        var page = new ProductPage(productId, stockSection.Status != SectionStatus.Served || reviewsSection.Status != SectionStatus.Served,
            stockSection, reviewsSection);
        return Results.Ok(page);
    }

    /// <summary>
    /// Checkout (CRITICAL): reserve stock (no stock, no order: 503 naming inventory), store the order (durably, as
    /// <c>pending_payment</c>), then charge it with the order id as idempotency key. Paid: 200. When the charge does
    /// not go through (payments down, timing out, its breaker open...), the charge is queued in the durable write
    /// queue, keyed by the user so one user's charges are applied in order, and the answer is 202
    /// <c>pending_payment</c>; the queue charges the order when payments is back and marks it paid. Only when the
    /// order or the queued charge cannot be stored is the answer 503, naming the problem. (A real shop would also
    /// release the reservation then; the demo's expire.)
    /// </summary>
    public async Task<IResult> CheckoutAsync(CheckoutRequest request, CancellationToken ct)
    {
        if (request.IsInvalid(out var problem)) return ErrorBody.BadRequest($"The checkout is not valid: {problem}");

        var orderId = $"o-{Guid.NewGuid():N}";
        var reservation = await calls.CallAsync(new GuardedCall<Reservation>(DemoServices.Inventory,
            t => downstream.ReserveAsync(new ReservationRequest(request.ProductId, request.Quantity), t))
        {
            Key = orderId, Tier = Tier.Critical, Feature = CheckoutFeature,
        }, ct);
        if (reservation.IsRefused)
            return RefusedBody.For(reservation, status => status == StatusCodes.Status404NotFound
                ? $"The checkout's productId names no product: there is no product '{InputLimits.Quote(request.ProductId)}'."
                : $"The checkout was refused by '{reservation.Dependency}': check productId and quantity.");
        if (!reservation.IsSuccess) return CriticalFailureBody.For(reservation, "checkout");

        var price = DemoData.PriceOf(request.ProductId) * request.Quantity;
        var chargeRequest = new ChargeRequest(orderId, price, "EUR");
        var (_, notStored) = await orders.PlaceAsync(new Order(orderId, request.UserId, request.ProductId, request.Quantity, price, chargeRequest.Currency,
            reservation.Value!.ReservationId, OrderStatus.PendingPayment, time.GetUtcNow()), ct);
        if (notStored is not null) return ErrorBody.Result(StatusCodes.Status503ServiceUnavailable, $"The checkout cannot be served: {notStored}");

        var charge = await calls.CallAsync(new GuardedCall<ChargeReceipt>(DemoServices.Payments,
            t => downstream.ChargeAsync(chargeRequest, orderId, t))
        {
            Key = orderId, Tier = Tier.Critical, Feature = CheckoutFeature,
        }, ct);
        var reason = charge.Detail ?? charge.Reason.ToString();
        if (charge.IsSuccess)
        {
            try
            {
                await orders.MarkPaidAsync(orderId, charge.Value!.ChargeId, ct);
                return Results.Ok(new CheckoutReceipt(orderId, OrderStatus.Paid, reservation.Value!, charge.Value!));
            }
            catch (Exception e) when (e is InvalidOperationException or Akka.Actor.AskTimeoutException)
            {
                // Charged, but not recorded: the queued charge repeats it under the same idempotency key (applied
                // once) and records it.
                reason = e.Message;
            }
        }

        var queued = await writes.EnqueueAsync(new EnqueueWrite(DemoServices.Payments, request.UserId, PaymentWriteTarget.Payload(chargeRequest), orderId), ct);
        if (!queued.Accepted)
            return Results.Json(new UnqueuedCheckout(
                $"The checkout cannot be completed now: the payment failed ({reason}) and its charge could not be queued: {queued.Error} " +
                $"The order is stored as {OrderStatus.PendingPayment}; the node's payment recovery queues its charge within " +
                $"{ShopSettings.SectionName}:PaymentRecoveryInterval, and a charge with idempotency key '{orderId}' is applied once, however often it is repeated.",
                orderId, orderId, OrderStatus.PendingPayment), statusCode: StatusCodes.Status503ServiceUnavailable);
        try
        {
            await orders.RecordChargeQueuedAsync(orderId, queued.Id!, ct);
        }
        catch (Exception e) when (e is InvalidOperationException or Akka.Actor.AskTimeoutException)
        {
            // The charge is queued (durably): it is delivered and marks the order paid all the same. The payment
            // recovery, finding no queued charge recorded, queues it again, and the queue answers with the same entry.
            log.LogWarning("Order {OrderId}: its charge is queued as {WriteId}, but the order book did not record that: {Error}",
                orderId, queued.Id, e.Message);
        }
        return Results.Json(new PendingCheckout(OrderStatus.PendingPayment, orderId, queued.Id!, reservation.Value!, reason),
            statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// An order: 200 with its status and the charges the payments service recorded for it (an OPTIONAL guarded call:
    /// when payments cannot answer, <c>charges</c> is null and <c>chargesUnavailable</c> says why), or 404.
    /// </summary>
    public async Task<IResult> OrderAsync(string orderId, CancellationToken ct)
    {
        Order? order;
        try
        {
            order = await orders.FindAsync(orderId, ct);
        }
        catch (Exception e) when (e is InvalidOperationException or Akka.Actor.AskTimeoutException)
        {
            return OrderBookUnavailable(e);
        }
        if (order is null) return ErrorBody.NotFound($"There is no order '{orderId}'.");

        var charges = await calls.CallAsync(new GuardedCall<OrderCharges>(DemoServices.Payments, t => downstream.GetChargesAsync(orderId, t))
        {
            Tier = Tier.Optional,
        }, ct);
        return Results.Ok(OrderView.From(order, charges.IsSuccess ? charges.Value!.Charges : null,
            charges.IsSuccess ? null : $"payments: {charges.Reason}{(charges.Detail is { } detail ? $" ({detail})" : "")}"));
    }

    /// <summary>Orders with <paramref name="status"/> (every order when null), oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<IResult> OrdersAsync(string? status, int limit, CancellationToken ct)
    {
        try
        {
            return Results.Ok(await orders.ListAsync(status, limit, ct));
        }
        catch (Exception e) when (e is InvalidOperationException or Akka.Actor.AskTimeoutException)
        {
            return OrderBookUnavailable(e);
        }
    }

    private static IResult OrderBookUnavailable(Exception e) =>
        ErrorBody.Result(StatusCodes.Status503ServiceUnavailable, $"The order book is not available: {e.Message}");
}
