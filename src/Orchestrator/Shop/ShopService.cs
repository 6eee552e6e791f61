using Orchestrator.Actors.Client;
using Orchestrator.Actors.Composition;
using Orchestrator.WriteQueue;
using Orchestrator.Contracts;
using Orchestrator.Node.Api;
using Orchestrator.Node.Downstream;
using Orchestrator.Node.Shop.Orders;

namespace Orchestrator.Node.Shop;

/// <summary>
/// The demo shop's pages, each built from guarded calls to the simulated services (through <see cref="IGuardedCalls"/>),
/// run in parallel, each section degrading on its own. The homepage runs its calls under one deadline
/// (<see cref="PageComposer"/>).
/// </summary>
public sealed class ShopService(IGuardedCalls calls, PageComposer composer, DownstreamClient downstream, OrderStore orders, IWriteQueue writes)
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
    /// When the primary is slow (300 ms) a hedge asks its read replica too, and the first answer wins; when the primary
    /// fails the replica answers as a fallback (<c>profile-replica</c>, possibly stale either way).</item>
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
        }, ct).AsTask();
        var reviews = calls.CallAsync(new GuardedCall<ReviewList>(DemoServices.Reviews, t => downstream.GetReviewsAsync(productId, t))
        {
            Key = productId, Tier = Tier.Optional, Feature = ReviewsFeature,
        }, ct).AsTask();
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
            charges.IsSuccess ? null : $"payments: {charges.Reason}{(charges.Detail is { } detail ? $" ({detail})" : "")}",
            order.Status == OrderStatus.PendingPayment ? await PendingReasonAsync(order, ct) : null));
    }

    /// <summary>Why an unpaid order waits: where its queued charge stands, or that its charge is not queued yet.</summary>
    private async Task<string> PendingReasonAsync(Order order, CancellationToken ct)
    {
        if (order.PaymentWriteId is not { } writeId)
            return "Its charge is not queued yet: the node's payment recovery queues it within Shop:PaymentRecoveryInterval.";
        WriteEntry? entry;
        try
        {
            entry = await writes.FindAsync(writeId, ct);
        }
        catch (Exception e) when (e is InvalidOperationException or Akka.Actor.AskTimeoutException)
        {
            return $"Its charge waits in the write queue as {writeId}; the queue cannot say more now ({e.Message}).";
        }
        return entry switch
        {
            null => $"Its charge {writeId} was delivered; the order is marked paid in a moment.",
            { State: "poisoned" } => $"Its charge {writeId} failed every attempt ({entry.Write.LastError}); the payment recovery marks the order payment_failed within Shop:PaymentRecoveryInterval.",
            { Write.Attempts: 0 } => $"Its charge waits in the write queue as {writeId} ({entry.State}), not tried yet.",
            _ => $"Its charge waits in the write queue as {writeId} ({entry.State}) after {entry.Write.Attempts} failed attempts; the last: {entry.Write.LastError}",
        };
    }

    /// <summary>Orders with <paramref name="status"/> (every order when null), oldest first, from <paramref name="offset"/> on, at most <paramref name="limit"/>.</summary>
    public async Task<IResult> OrdersAsync(string? status, int limit, int offset, CancellationToken ct)
    {
        try
        {
            return Results.Ok(await orders.ListAsync(status, limit, offset, ct));
        }
        catch (Exception e) when (e is InvalidOperationException or Akka.Actor.AskTimeoutException)
        {
            return OrderBookUnavailable(e);
        }
    }

    private static IResult OrderBookUnavailable(Exception e) =>
        ErrorBody.Result(StatusCodes.Status503ServiceUnavailable, $"The order book is not available: {e.Message}");
}
