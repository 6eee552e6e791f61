using System.Net.Http.Json;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

public sealed class ShopTests(NodeFixture node) : IClassFixture<NodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    [Fact]
    public async Task Product_page_serves_stock_and_reviews_and_omits_reviews_when_they_fail()
    {
        using (var page = await node.GetJsonAsync("/shop/product/p-100"))
        {
            Assert.Equal("served", page.RootElement.GetProperty("stock").GetProperty("status").GetString());
            Assert.Equal("served", page.RootElement.GetProperty("reviews").GetProperty("status").GetString());
            Assert.False(page.RootElement.GetProperty("degraded").GetBoolean());
        }

        await node.SetChaosAsync(DemoServices.Reviews, new { outage = true });
        using var degraded = await node.GetJsonAsync("/shop/product/p-100");
        Assert.Equal("omitted", degraded.RootElement.GetProperty("reviews").GetProperty("status").GetString());
        Assert.Equal("served", degraded.RootElement.GetProperty("stock").GetProperty("status").GetString());
        Assert.True(degraded.RootElement.GetProperty("degraded").GetBoolean());
    }

    [Fact]
    public async Task Checkout_reserves_and_charges()
    {
        using var response = await node.Http.PostAsJsonAsync("/shop/checkout", new { userId = "u1", productId = "p-102", quantity = 2 });
        using var receipt = await NodeFixture.Read(response, 200);

        Assert.Equal("p-102", receipt.RootElement.GetProperty("reservation").GetProperty("productId").GetString());
        Assert.Equal("captured", receipt.RootElement.GetProperty("charge").GetProperty("status").GetString());
        Assert.Equal("paid", receipt.RootElement.GetProperty("status").GetString());
        Assert.Equal(698.00m, receipt.RootElement.GetProperty("charge").GetProperty("amount").GetDecimal()); // 2 x 349.00
        Assert.Equal(receipt.RootElement.GetProperty("orderId").GetString(), receipt.RootElement.GetProperty("charge").GetProperty("orderId").GetString());
    }

    [Fact]
    public async Task Checkout_without_a_product_is_400()
    {
        using var response = await node.Http.PostAsJsonAsync("/shop/checkout", new { userId = "u1", quantity = 1 });
        using var body = await NodeFixture.Read(response, 400);
        Assert.Contains("productId", body.RootElement.GetProperty("error").GetString());
    }
}
