namespace Orchestrator.Node.Shop;

/// <summary>The demo shop: <c>GET /shop/home/{userId}</c>, <c>GET /shop/product/{productId}</c>, <c>POST /shop/checkout</c>.</summary>
public static class ShopEndpoints
{
    /// <summary>Maps the shop.</summary>
    public static IEndpointRouteBuilder MapShop(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/shop");
        group.MapGet("/home/{userId}", (string userId, ShopService shop, CancellationToken ct) => shop.HomeAsync(userId, ct));
        group.MapGet("/product/{productId}", (string productId, ShopService shop, CancellationToken ct) => shop.ProductAsync(productId, ct));
        group.MapPost("/checkout", (CheckoutRequest request, ShopService shop, CancellationToken ct) => shop.CheckoutAsync(request, ct));
        return app;
    }
}
