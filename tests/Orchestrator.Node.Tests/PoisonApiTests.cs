using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>The poison list through the API: visible, re-driven, dropped.</summary>
public sealed class PoisonApiTests(PoisonNodeFixture node) : IClassFixture<PoisonNodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    private async Task<(string OrderId, string WriteId)> CheckoutDuringOutageAsync(string user)
    {
        using var response = await node.Http.PostAsJsonAsync("/shop/checkout", new { userId = user, productId = "p-104", quantity = 1 });
        using var pending = await NodeFixture.Read(response, 202);
        return (pending.RootElement.GetProperty("orderId").GetString()!, pending.RootElement.GetProperty("paymentWriteId").GetString()!);
    }

    private async Task<JsonElement?> PoisonedAsync(string writeId)
    {
        using var list = await node.GetJsonAsync("/api/write-queue/poison");
        foreach (var entry in list.RootElement.GetProperty("entries").EnumerateArray())
            if (entry.GetProperty("write").GetProperty("id").GetString() == writeId) return entry.Clone();
        return null;
    }

    [Fact]
    public async Task A_payment_that_fails_every_attempt_is_poisoned_visibly_and_a_redrive_pays_the_order_once_payments_is_back()
    {
        await node.SetChaosAsync(DemoServices.Payments, new { outage = true });
        var user = NodeFixture.NewUser();
        var (orderId, writeId) = await CheckoutDuringOutageAsync(user);

        var poisoned = await Poll.UntilAsync(() => PoisonedAsync(writeId), e => e is not null, "the queued payment is poisoned");
        // The payment recovery ends the order: payment_failed, naming the charge's last error, its stock released.
        await Poll.UntilAsync(async () =>
        {
            using var order = await node.GetJsonAsync($"/shop/orders/{orderId}");
            return (order.RootElement.GetProperty("status").GetString(), order.RootElement.GetProperty("failedReason").GetString());
        }, o => o.Item1 == "payment_failed" && o.Item2!.Contains("failed every attempt (2)") && o.Item2.Contains("503"), "the order's payment fails");
        var write = poisoned!.Value.GetProperty("write");
        Assert.Equal("payments", write.GetProperty("target").GetString());
        Assert.Equal(user, write.GetProperty("key").GetString());
        Assert.Equal(orderId, write.GetProperty("idempotencyKey").GetString());
        Assert.Equal(2, write.GetProperty("attempts").GetInt32());
        Assert.Contains("503", write.GetProperty("lastError").GetString());
        using (var status = await node.GetJsonAsync("/api/status"))
            Assert.True(status.RootElement.GetProperty("writeQueue").GetProperty("poisoned").GetInt32() >= 1);

        (await node.OperatorDeleteAsync($"/api/demo/services/{DemoServices.Payments}")).EnsureSuccessStatusCode();
        using (var redrive = await node.OperatorPostAsync($"/api/write-queue/poison/{writeId}/redrive"))
        using (var body = await NodeFixture.Read(redrive, 200))
            Assert.Equal("redriven", body.RootElement.GetProperty("action").GetString());

        // A re-drive is the operator's "try again": the charge goes through and pays the failed order after all.
        await Poll.UntilAsync(async () =>
        {
            using var order = await node.GetJsonAsync($"/shop/orders/{orderId}");
            return order.RootElement.GetProperty("status").GetString();
        }, s => s == "paid", "the re-driven payment pays the order");
        Assert.Null(await PoisonedAsync(writeId));
        Assert.NotNull(await node.Services.GetRequiredService<PaymentLedger>().FindAsync(orderId));
    }

    [Fact]
    public async Task A_dropped_poisoned_payment_is_gone_never_charged_and_its_order_payment_failed()
    {
        await node.SetChaosAsync(DemoServices.Payments, new { outage = true });
        var (orderId, writeId) = await CheckoutDuringOutageAsync(NodeFixture.NewUser());
        await Poll.UntilAsync(() => PoisonedAsync(writeId), e => e is not null, "the queued payment is poisoned");

        using (var drop = await node.OperatorDeleteAsync($"/api/write-queue/poison/{writeId}"))
        using (var body = await NodeFixture.Read(drop, 200))
            Assert.Equal("dropped", body.RootElement.GetProperty("action").GetString());
        Assert.Null(await PoisonedAsync(writeId));

        (await node.OperatorDeleteAsync($"/api/demo/services/{DemoServices.Payments}")).EnsureSuccessStatusCode();
        using (var again = await node.OperatorDeleteAsync($"/api/write-queue/poison/{writeId}"))
        using (var notFound = await NodeFixture.Read(again, 404))
            Assert.Contains(writeId, notFound.RootElement.GetProperty("error").GetString());
        using (var redrive = await node.OperatorPostAsync($"/api/write-queue/poison/{writeId}/redrive"))
            (await NodeFixture.Read(redrive, 404)).Dispose();

        // Never charged, and never left pending: the order ends payment_failed (poisoned, or its charge dropped).
        await Poll.UntilAsync(async () =>
        {
            using var order = await node.GetJsonAsync($"/shop/orders/{orderId}");
            return order.RootElement.GetProperty("status").GetString();
        }, s => s == "payment_failed", "the order's payment fails");
        Assert.Null(await node.Services.GetRequiredService<PaymentLedger>().FindAsync(orderId));
    }
}
