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
    public async Task Bad_product_ids_are_the_callers_fault_and_never_open_a_breaker()
    {
        // Ids the node takes (at most 128 characters) but the catalogue does not know: the simulated services answer
        // 404, which says the request was wrong, not that they are failing.
        var failedBefore = new Dictionary<string, long>();
        foreach (var dependency in new[] { DemoServices.Inventory, DemoServices.Reviews })
            failedBefore[dependency] = (await node.DependencyStatusAsync(dependency)).GetProperty("calls").GetProperty("failed").GetInt64();
        // 404 which says the request was wrong, not that they are failing: the page is 404 naming the product, never
        // a degraded 200, and the checkout of it is 404 too, never a 503.
        foreach (var id in Enumerable.Range(0, 12).Select(i => $"no such product {i}!"))
        {
            using var response = await node.Http.GetAsync($"/shop/product/{Uri.EscapeDataString(id)}");
            using var page = await NodeFixture.Read(response, 404);
            Assert.Equal($"There is no product '{id}'.", page.RootElement.GetProperty("error").GetString());
            Assert.Equal(404, page.RootElement.GetProperty("dependencyStatus").GetInt32());
            Assert.Contains(page.RootElement.GetProperty("dependency").GetString(), new[] { DemoServices.Inventory, DemoServices.Reviews });

            using var unknown = await node.Http.PostAsJsonAsync("/shop/checkout", new { userId = NodeFixture.NewUser(), productId = id, quantity = 1 });
            using var refusedCheckout = await NodeFixture.Read(unknown, 404);
            Assert.Equal($"The checkout's productId names no product: there is no product '{id}'.", refusedCheckout.RootElement.GetProperty("error").GetString());
            Assert.Equal(DemoServices.Inventory, refusedCheckout.RootElement.GetProperty("dependency").GetString());
        }
        // Ids over the node's limit never reach a dependency at all.
        for (var i = 0; i < 12; i++)
        {
            using var response = await node.Http.GetAsync($"/shop/product/{new string('p', 2800)}");
            using var refused = await NodeFixture.Read(response, 400);
            Assert.Contains("at most 128", refused.RootElement.GetProperty("error").GetString());
        }

        foreach (var dependency in new[] { DemoServices.Inventory, DemoServices.Reviews })
        {
            var status = await node.DependencyStatusAsync(dependency);
            Assert.Equal("Closed", status.GetProperty("breaker").GetProperty("state").GetString());
            Assert.Equal(0, status.GetProperty("breaker").GetProperty("consecutiveFailures").GetInt32());
            Assert.Equal(0, status.GetProperty("breaker").GetProperty("windowFailures").GetInt32());
            // Counted as refused: the caller's error, which no stress signal reads as trouble.
            Assert.True(status.GetProperty("calls").GetProperty("refused").GetInt64() >= 12);
            Assert.Equal(failedBefore[dependency], status.GetProperty("calls").GetProperty("failed").GetInt64());
        }
        using var checkout = await node.Http.PostAsJsonAsync("/shop/checkout", new { userId = NodeFixture.NewUser(), productId = "p-102", quantity = 1 });
        using var receipt = await NodeFixture.Read(checkout, 200);
        Assert.Equal("paid", receipt.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Checkout_without_a_product_is_400()
    {
        using var response = await node.Http.PostAsJsonAsync("/shop/checkout", new { userId = "u1", quantity = 1 });
        using var body = await NodeFixture.Read(response, 400);
        Assert.Contains("productId", body.RootElement.GetProperty("error").GetString());
    }
}
