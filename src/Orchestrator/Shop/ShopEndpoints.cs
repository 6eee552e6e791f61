using System.Globalization;
using Orchestrator.Node.Api;
using Orchestrator.Node.Configuration;

namespace Orchestrator.Node.Shop;

/// <summary>
/// The demo shop: <c>GET /shop/home/{userId}[?deadlineMs=300]</c>, <c>GET /shop/product/{productId}</c>,
/// <c>POST /shop/checkout</c>, <c>GET /shop/orders/{orderId}</c>.
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
        group.MapPost("/checkout", (CheckoutRequest request, ShopService shop, CancellationToken ct) => shop.CheckoutAsync(request, ct));
        group.MapGet("/orders/{orderId}", (string orderId, ShopService shop, CancellationToken ct) => shop.OrderAsync(orderId, ct));
        return app;
    }

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
