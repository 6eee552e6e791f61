using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>Checkout through a payment outage: the order is stored, the charge queued (202), and paid when payments is back.</summary>
public sealed class CheckoutQueueTests(PendingPaymentNodeFixture node) : IClassFixture<PendingPaymentNodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    private PaymentLedger Ledger => node.Services.GetRequiredService<PaymentLedger>();

    private async Task<JsonDocument> OrderAsync(string orderId) => await node.GetJsonAsync($"/shop/orders/{orderId}");

    [Fact]
    public async Task When_payment_times_out_the_order_is_pending_and_queued_and_it_is_paid_once_payment_is_back()
    {
        await node.SetChaosAsync(DemoServices.Payments, new { latencyMs = 3000 }); // beyond the 500 ms timeout
        var user = NodeFixture.NewUser();

        using var response = await node.Http.PostAsJsonAsync("/shop/checkout", new { userId = user, productId = "p-103", quantity = 2 });
        using var pending = await NodeFixture.Read(response, 202);
        Assert.Equal("pending_payment", pending.RootElement.GetProperty("status").GetString());
        var orderId = pending.RootElement.GetProperty("orderId").GetString()!;
        Assert.StartsWith("w-", pending.RootElement.GetProperty("paymentWriteId").GetString());
        Assert.Contains("timed out", pending.RootElement.GetProperty("reason").GetString());

        // The order is stored, pending; the charge waits in the queue, visible in the node's status.
        using (var order = await OrderAsync(orderId))
        {
            Assert.Equal("pending_payment", order.RootElement.GetProperty("status").GetString());
            Assert.Equal(user, order.RootElement.GetProperty("userId").GetString());
            Assert.Equal(79.80m, order.RootElement.GetProperty("amount").GetDecimal()); // 2 x 39.90
        }
        using (var status = await node.GetJsonAsync("/api/status"))
        {
            var queue = status.RootElement.GetProperty("writeQueue");
            Assert.True(queue.GetProperty("depth").GetInt32() >= 1);
            Assert.True(queue.GetProperty("oldestAgeSeconds").GetDouble() >= 0);
            Assert.Equal(JsonValueKind.String, queue.GetProperty("oldestEnqueuedAt").ValueKind);
        }
        Assert.Null(Ledger.Find(orderId));

        // Payments comes back: the queue drains and the order is paid, charged once.
        (await node.OperatorDeleteAsync($"/api/chaos/{DemoServices.Payments}")).EnsureSuccessStatusCode();
        await Poll.UntilAsync(async () =>
        {
            using var order = await OrderAsync(orderId);
            return order.RootElement.GetProperty("status").GetString();
        }, s => s == "paid", "the order becomes paid", TimeSpan.FromSeconds(20));

        using (var paid = await OrderAsync(orderId))
            Assert.Equal(Ledger.Find(orderId)!.ChargeId, paid.RootElement.GetProperty("chargeId").GetString());
        using var drained = await node.GetJsonAsync("/api/write-queue");
        Assert.Equal(0, drained.RootElement.GetProperty("depth").GetInt32());
    }

    [Fact]
    public async Task With_payments_up_checkout_is_paid_at_once_and_nothing_is_queued()
    {
        using var response = await node.Http.PostAsJsonAsync("/shop/checkout", new { userId = NodeFixture.NewUser(), productId = "p-100", quantity = 1 });
        using var receipt = await NodeFixture.Read(response, 200);
        var orderId = receipt.RootElement.GetProperty("orderId").GetString()!;
        Assert.Equal("paid", receipt.RootElement.GetProperty("status").GetString());
        using var order = await OrderAsync(orderId);
        Assert.Equal("paid", order.RootElement.GetProperty("status").GetString());
        Assert.NotNull(Ledger.Find(orderId));
        Assert.True(File.Exists(node.DatabasePath), $"the order is in the fixture's own database file {node.DatabasePath}");
    }

    [Fact]
    public async Task An_unknown_order_is_404_and_an_invalid_checkout_400_with_the_reason()
    {
        using var missing = await node.Http.GetAsync("/shop/orders/o-nothing");
        using var notFound = await NodeFixture.Read(missing, 404);
        Assert.Contains("o-nothing", notFound.RootElement.GetProperty("error").GetString());

        using var response = await node.Http.PostAsJsonAsync("/shop/checkout", new { userId = "u1", productId = "p-100", quantity = 0 });
        using var bad = await NodeFixture.Read(response, 400);
        Assert.Contains("quantity must be a whole number from 1 to 100, not 0", bad.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_payments_service_applies_a_repeated_idempotency_key_once()
    {
        var downstream = node.Services.GetRequiredService<DownstreamClient>();
        var before = Ledger.Applied;
        var first = await downstream.ChargeAsync(new ChargeRequest("o-idem", 10m, "EUR"), "o-idem", CancellationToken.None);
        var again = await downstream.ChargeAsync(new ChargeRequest("o-idem", 10m, "EUR"), "o-idem", CancellationToken.None);
        Assert.Equal(first.ChargeId, again.ChargeId);
        Assert.Equal(before + 1, Ledger.Applied);
    }
}
