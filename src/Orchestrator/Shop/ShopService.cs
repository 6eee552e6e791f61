using Orchestrator.Actors.Client;
using Orchestrator.Contracts;
using Orchestrator.Node.Api;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Shop;

/// <summary>
/// The demo shop's pages, each built from guarded calls to the simulated services (through <see cref="IGuardedCalls"/>),
/// run in parallel, each section degrading on its own.
/// </summary>
public sealed class ShopService(IGuardedCalls calls, DownstreamClient downstream)
{
    /// <summary>
    /// The homepage: profile + recommendations + notifications. Recommendations fall back to the popular items
    /// (a static list, via the call's own fallback); notifications are left out when they fail. The profile is
    /// critical: without it the page is not served at all (503 naming the problem) rather than shown for an
    /// anonymous user, because a personal page with someone else's (or no one's) details is worse than none.
    /// </summary>
    public async Task<IResult> HomeAsync(string userId, CancellationToken ct)
    {
        var profile = calls.CallAsync(new GuardedCall<UserProfile>(DemoServices.Profile, t => downstream.GetProfileAsync(userId, t))
        {
            Key = userId, Tier = Tier.Critical, Feature = "home.profile",
        }, ct);
        var recommendations = calls.CallAsync(new GuardedCall<RecommendationList>(DemoServices.Recommendations,
            t => downstream.GetRecommendationsAsync(userId, t))
        {
            Key = userId, Tier = Tier.Optional, Feature = "home.recommendations",
            Fallback = (_, _) => Task.FromResult(DemoData.PopularItems(userId)),
        }, ct);
        var notifications = calls.CallAsync(new GuardedCall<NotificationList>(DemoServices.Notifications,
            t => downstream.GetNotificationsAsync(userId, t))
        {
            Key = userId, Tier = Tier.Optional, Feature = "home.notifications",
        }, ct);
        await Task.WhenAll(profile, recommendations, notifications);

        if (!profile.Result.HasValue) return CriticalFailureBody.For(profile.Result, "homepage");
        var page = new HomePage(userId, false,
            PageSection<UserProfile>.From(profile.Result),
            PageSection<RecommendationList>.From(recommendations.Result),
            PageSection<NotificationList>.From(notifications.Result));
        page = page with
        {
            Degraded = page.Profile.Status != SectionStatus.Served || page.Recommendations.Status != SectionStatus.Served
                || page.Notifications.Status != SectionStatus.Served,
        };
        return Results.Ok(page);
    }

    /// <summary>A product page: stock (from inventory) and reviews; either is left out when it fails.</summary>
    public async Task<IResult> ProductAsync(string productId, CancellationToken ct)
    {
        var stock = calls.CallAsync(new GuardedCall<StockLevel>(DemoServices.Inventory, t => downstream.GetStockAsync(productId, t))
        {
            Key = productId, Tier = Tier.Important, Feature = "product.stock",
        }, ct);
        var reviews = calls.CallAsync(new GuardedCall<ReviewList>(DemoServices.Reviews, t => downstream.GetReviewsAsync(productId, t))
        {
            Key = productId, Tier = Tier.Optional, Feature = "product.reviews",
        }, ct);
        await Task.WhenAll(stock, reviews);
        var page = new ProductPage(productId, !stock.Result.IsSuccess || !reviews.Result.IsSuccess,
            PageSection<StockLevel>.From(stock.Result), PageSection<ReviewList>.From(reviews.Result));
        return Results.Ok(page);
    }

    /// <summary>
    /// Checkout: reserve stock, then charge. Both are critical and have no fallback: a failure answers 503 naming
    /// the dependency. (A real shop would release the reservation when the charge fails; the demo's expire.)
    /// </summary>
    public async Task<IResult> CheckoutAsync(CheckoutRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.UserId) || string.IsNullOrWhiteSpace(request.ProductId) || request.Quantity < 1)
            return ErrorBody.BadRequest("A checkout needs a userId, a productId and a quantity of at least 1.");

        var orderId = $"o-{Guid.NewGuid():N}";
        var reservation = await calls.CallAsync(new GuardedCall<Reservation>(DemoServices.Inventory,
            t => downstream.ReserveAsync(new ReservationRequest(request.ProductId, request.Quantity), t))
        {
            Key = orderId, Tier = Tier.Critical, Feature = "checkout.reserve",
        }, ct);
        if (!reservation.IsSuccess) return CriticalFailureBody.For(reservation, "checkout");

        var price = DemoData.PriceOf(request.ProductId) * request.Quantity;
        var charge = await calls.CallAsync(new GuardedCall<ChargeReceipt>(DemoServices.Payments,
            t => downstream.ChargeAsync(new ChargeRequest(orderId, price, "EUR"), t))
        {
            Key = orderId, Tier = Tier.Critical, Feature = "checkout.charge",
        }, ct);
        if (!charge.IsSuccess) return CriticalFailureBody.For(charge, "checkout");

        return Results.Ok(new CheckoutReceipt(orderId, reservation.Value!, charge.Value!));
    }
}
