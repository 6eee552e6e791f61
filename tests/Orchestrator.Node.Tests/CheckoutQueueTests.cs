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
    public async Task With_a_hang_injected_into_payments_through_its_actor_checkout_is_pending_and_the_order_is_paid_once_the_fault_ends()
    {
        // The payments service itself is up: the fault is in the orchestrator's payments dependency (/api/faults).
        using (var fault = await node.OperatorAsync(HttpMethod.Post, $"/api/faults/{DemoServices.Payments}", """{"kind": "hang", "durationSeconds": 60}"""))
            (await NodeFixture.Read(fault, 200)).Dispose();

        using var response = await node.Http.PostAsJsonAsync("/shop/checkout", new { userId = NodeFixture.NewUser(), productId = "p-104", quantity = 1 });
        using var pending = await NodeFixture.Read(response, 202);
        Assert.Equal("pending_payment", pending.RootElement.GetProperty("status").GetString());
        Assert.Contains("timed out", pending.RootElement.GetProperty("reason").GetString());
        var orderId = pending.RootElement.GetProperty("orderId").GetString()!;

        (await node.OperatorDeleteAsync($"/api/faults/{DemoServices.Payments}")).EnsureSuccessStatusCode();
        await Poll.UntilAsync(async () =>
        {
            using var order = await OrderAsync(orderId);
            return order.RootElement.GetProperty("status").GetString();
        }, s => s == "paid", "the order becomes paid", TimeSpan.FromSeconds(20));
        Assert.NotNull(await Ledger.FindAsync(orderId));
    }

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
        Assert.Null(await Ledger.FindAsync(orderId));

        // Payments comes back: the queue drains and the order is paid, charged once.
        (await node.OperatorDeleteAsync($"/api/demo/services/{DemoServices.Payments}")).EnsureSuccessStatusCode();
        await Poll.UntilAsync(async () =>
        {
            using var order = await OrderAsync(orderId);
            return order.RootElement.GetProperty("status").GetString();
        }, s => s == "paid", "the order becomes paid", TimeSpan.FromSeconds(20));

        using (var paid = await OrderAsync(orderId))
        {
            var chargeId = (await Ledger.FindAsync(orderId))!.ChargeId;
            Assert.Equal(chargeId, paid.RootElement.GetProperty("chargeId").GetString());
            Assert.Equal(pending.RootElement.GetProperty("paymentWriteId").GetString(), paid.RootElement.GetProperty("paymentWriteId").GetString());
            // The payments service's own record: one charge, under the order id as idempotency key.
            var charge = Assert.Single(paid.RootElement.GetProperty("charges").EnumerateArray());
            Assert.Equal(chargeId, charge.GetProperty("chargeId").GetString());
            Assert.Equal(orderId, charge.GetProperty("idempotencyKey").GetString());
            Assert.Equal(79.80m, charge.GetProperty("amount").GetDecimal());
        }
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
        Assert.NotNull(await Ledger.FindAsync(orderId));
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
        var before = await Ledger.CountAsync();
        var first = await downstream.ChargeAsync(new ChargeRequest("o-idem", 10m, "EUR"), "o-idem", CancellationToken.None);
        var again = await downstream.ChargeAsync(new ChargeRequest("o-idem", 10m, "EUR"), "o-idem", CancellationToken.None);
        Assert.Equal(first.ChargeId, again.ChargeId);
        Assert.Equal(before + 1, await Ledger.CountAsync());
    }

    [Fact]
    public async Task Orders_are_listed_by_status_oldest_first_and_a_bad_status_or_limit_is_400_naming_the_allowed_values()
    {
        await node.SetChaosAsync(DemoServices.Payments, new { outage = true });
        var user = NodeFixture.NewUser();
        using var response = await node.Http.PostAsJsonAsync("/shop/checkout", new { userId = user, productId = "p-101", quantity = 1 });
        using var pending = await NodeFixture.Read(response, 202);
        var orderId = pending.RootElement.GetProperty("orderId").GetString()!;

        using (var list = await node.GetJsonAsync("/shop/orders?status=pending_payment&limit=1000"))
        {
            Assert.Equal("pending_payment", list.RootElement.GetProperty("status").GetString());
            var orders = list.RootElement.GetProperty("orders").EnumerateArray().ToList();
            Assert.Contains(orders, o => o.GetProperty("orderId").GetString() == orderId);
            Assert.All(orders, o => Assert.Equal("pending_payment", o.GetProperty("status").GetString()));
            Assert.True(list.RootElement.GetProperty("total").GetInt32() >= orders.Count);
            var placed = orders.Select(o => o.GetProperty("placedAt").GetDateTimeOffset()).ToList();
            Assert.Equal(placed.Order(), placed);
        }
        // Pages: limit and offset walk the same list.
        using (var all = await node.GetJsonAsync("/shop/orders?limit=1000"))
        using (var second = await node.GetJsonAsync("/shop/orders?limit=1&offset=1"))
        {
            var orders = all.RootElement.GetProperty("orders").EnumerateArray().ToList();
            if (orders.Count >= 2)
                Assert.Equal(orders[1].GetProperty("orderId").GetString(),
                    Assert.Single(second.RootElement.GetProperty("orders").EnumerateArray()).GetProperty("orderId").GetString());
        }
        using (var paid = await node.GetJsonAsync("/shop/orders?status=paid"))
            Assert.DoesNotContain(paid.RootElement.GetProperty("orders").EnumerateArray(), o => o.GetProperty("orderId").GetString() == orderId);

        // While payments is down, the order still shows; its charges are unknown, and the answer says why.
        using (var order = await OrderAsync(orderId))
        {
            Assert.Equal(JsonValueKind.Null, order.RootElement.GetProperty("charges").ValueKind);
            Assert.StartsWith("payments: ", order.RootElement.GetProperty("chargesUnavailable").GetString());
        }

        foreach (var (query, expected) in new[]
                 {
                     ("status=shipped", "status must be one of pending_payment, paid, payment_failed, not 'shipped'"),
                     ("limit=0", "limit must be a whole number from 1 to 1000, not '0'"),
                     ("limit=1001", "limit must be a whole number from 1 to 1000, not '1001'"),
                     ("limit=ten", "limit must be a whole number from 1 to 1000, not 'ten'"),
                     ("offset=-1", "offset must be a whole number, 0 or more, not '-1'"),
                     ("sort=placedAt", "The order list takes status, limit and offset, not 'sort'"),
                 })
        {
            using var bad = await node.Http.GetAsync($"/shop/orders?{query}");
            using var body = await NodeFixture.Read(bad, 400);
            Assert.Contains(expected, body.RootElement.GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task The_same_idempotency_key_for_another_charge_is_a_409_that_never_counts_against_payments()
    {
        var downstream = node.Services.GetRequiredService<DownstreamClient>();
        var orderId = $"o-{Guid.NewGuid():N}";
        await downstream.ChargeAsync(new ChargeRequest(orderId, 10m, "EUR"), orderId, CancellationToken.None);

        var conflict = await Assert.ThrowsAsync<DownstreamException>(() =>
            downstream.ChargeAsync(new ChargeRequest(orderId, 12m, "EUR"), orderId, CancellationToken.None));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains($"already used for order '{orderId}', 10 EUR", conflict.Message);
        Assert.Single(await Ledger.ChargesForAsync(orderId));
    }
}
