using System.Globalization;
using Orchestrator.Node.Api;
using Orchestrator.Node.Configuration;
using Orchestrator.Node.Shop.Orders;

namespace Orchestrator.Node.Shop;

/// <summary>
/// The demo shop: <c>GET /shop/home/{userId}[?deadlineMs=300]</c>, <c>GET /shop/product/{productId}</c>,
/// <c>POST /shop/checkout</c> (idempotent with <c>Idempotency-Key</c>), <c>GET /shop/orders/{orderId}</c>, and for operators
/// <c>GET /shop/orders?status=pending_payment&amp;limit=100</c>.
/// </summary>
public static class ShopEndpoints
{
    /// <summary>The query parameter that overrides the homepage's deadline.</summary>
    public const string DeadlineParameter = "deadlineMs";

    /// <summary>Maps the shop.</summary>
    public static IEndpointRouteBuilder MapShop(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/shop");
        group.MapGet("/home/{userId}", (string userId, HttpRequest request, ShopSettings settings, ShopService shop, CancellationToken ct) =>
            TryReadDeadline(request, settings, out var budget, out var error)
                ? shop.HomeAsync(userId, budget, ct)
                : Task.FromResult(ErrorBody.BadRequest(error!)));
        group.MapGet("/product/{productId}", (string productId, ShopService shop, CancellationToken ct) => shop.ProductAsync(productId, ct));
        group.MapPost("/checkout", (CheckoutRequest request, HttpRequest http, CheckoutService checkout, CancellationToken ct) =>
            checkout.CheckoutAsync(request, http.Headers[CheckoutService.IdempotencyHeader], ct));
        group.MapGet("/orders/{orderId}", (string orderId, ShopService shop, CancellationToken ct) => shop.OrderAsync(orderId, ct));
        // Everyone's orders: an operator read.
        group.MapGet("/orders", (HttpRequest request, ShopService shop, CancellationToken ct) =>
            TryReadOrderQuery(request, out var status, out var limit, out var offset, out var error)
                ? shop.OrdersAsync(status, limit, offset, ct)
                : Task.FromResult(ErrorBody.BadRequest(error!))).RequireOperatorRead();
        return app;
    }

    /// <summary>The most orders one list may show, and how many it shows unless <c>?limit=</c> says.</summary>
    public const int MaxOrderLimit = 1000, DefaultOrderLimit = 100;

    /// <summary>
    /// The order list's query: <c>?status=</c> (<c>pending_payment</c>, <c>paid</c> or <c>payment_failed</c>; every
    /// order when absent), <c>?limit=</c> (1 to <see cref="MaxOrderLimit"/>, default <see cref="DefaultOrderLimit"/>)
    /// and <c>?offset=</c> (orders to skip, oldest first: the next page; default 0); false with the reason for anything else.
    /// </summary>
    internal static bool TryReadOrderQuery(HttpRequest request, out string? status, out int limit, out int offset, out string? error)
    {
        status = null;
        limit = DefaultOrderLimit;
        offset = 0;
        error = null;
        foreach (var name in request.Query.Keys)
            if (!name.Equals("status", StringComparison.OrdinalIgnoreCase) && !name.Equals("limit", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("offset", StringComparison.OrdinalIgnoreCase))
            {
                error = $"The order list takes status, limit and offset, not '{(name.Length <= 32 ? name : name[..32] + "...")}'.";
                return false;
            }
        if (request.Query.TryGetValue("status", out var statuses))
        {
            if (statuses.Count != 1 || !OrderStatus.All.Contains(statuses[0]))
            {
                error = $"status must be one of {string.Join(", ", OrderStatus.All)}, not '{Shorten(statuses.ToString())}'.";
                return false;
            }
            status = statuses[0];
        }
        if (request.Query.TryGetValue("limit", out var limits)
            && (limits.Count != 1 || !int.TryParse(limits[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxOrderLimit))
        {
            error = $"limit must be a whole number from 1 to {MaxOrderLimit}, not '{Shorten(limits.ToString())}'.";
            return false;
        }
        if (request.Query.TryGetValue("offset", out var offsets)
            && (offsets.Count != 1 || !int.TryParse(offsets[0], NumberStyles.None, CultureInfo.InvariantCulture, out offset)))
        {
            error = $"offset must be a whole number, 0 or more, not '{Shorten(offsets.ToString())}'.";
            return false;
        }
        return true;
    }

    private static string Shorten(string text) => text.Length <= 32 ? text : text[..32] + "...";

    /// <summary>
    /// The page's time: <c>?deadlineMs=</c> (a whole number of milliseconds, 1 to 10 000) when given, else
    /// <see cref="ShopSettings.HomeDeadline"/>; false with the reason for any other value.
    /// </summary>
    internal static bool TryReadDeadline(HttpRequest request, ShopSettings settings, out TimeSpan budget, out string? error)
    {
        budget = settings.HomeDeadline;
        error = null;
        if (!request.Query.TryGetValue(DeadlineParameter, out var values)) return true;

        var min = (int)ShopSettings.MinDeadline.TotalMilliseconds;
        var max = (int)ShopSettings.MaxDeadline.TotalMilliseconds;
        if (values.Count != 1)
            error = $"{DeadlineParameter} may be given once, not {values.Count} times.";
        else if (!int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms < min || ms > max)
            error = $"{DeadlineParameter} must be a whole number of milliseconds between {min} and {max}, not '{values[0]}'.";
        else
            budget = TimeSpan.FromMilliseconds(ms);
        return error is null;
    }
}
