using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Api;
using Orchestrator.Node.Configuration;
using Orchestrator.Node.Downstream;
using Orchestrator.Node.Shop;
using Orchestrator.Node.Shop.Orders;

namespace Orchestrator.Node.Tests;

/// <summary>
/// A money path that cannot be poisoned or doubled: the stand-in services are not on the node's address, the order
/// list is an operator read, a checkout with an Idempotency-Key is one order and one answer however often it comes,
/// a payment refused for good ends the order payment_failed with its stock released.
/// </summary>
public sealed class MoneyPathTests(PendingPaymentNodeFixture node) : IClassFixture<PendingPaymentNodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    private HttpRequestMessage Checkout(string? key, string userId, string productId = "p-102", int quantity = 1)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/shop/checkout") { Content = JsonContent.Create(new { userId, productId, quantity }) };
        if (key is not null) request.Headers.Add(CheckoutService.IdempotencyHeader, key);
        return request;
    }

    [Fact]
    public async Task The_demo_services_answer_only_on_loopback_and_never_on_the_nodes_address()
    {
        // On the node's own address there is nothing at /downstream: nobody can record or read a charge through it.
        using (var charge = await node.Http.PostAsJsonAsync("/downstream/payments/charges", new { orderId = "o-1", amount = 1m, currency = "EUR" }))
            Assert.Equal(HttpStatusCode.NotFound, charge.StatusCode);
        using (var charges = await node.Http.GetAsync("/downstream/payments/charges?orderId=o-1"))
            Assert.Equal(HttpStatusCode.NotFound, charges.StatusCode);

        // Their own server listens on 127.0.0.1 only: another address of this machine does not reach it.
        var standIn = node.Services.GetRequiredService<DownstreamBaseAddress>().Get();
        Assert.Equal("127.0.0.1", standIn.Host);
        var other = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        if (other is not null)
        {
            using var client = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(other, standIn.Port));
        }
    }

    [Fact]
    public void The_order_list_is_an_operator_read_no_other_machine_gets_it()
    {
        var open = new OperatorAccess(new AdminSettings());
        var request = new DefaultHttpContext().Request;
        Assert.Null(open.ReadRefusal(request, IPAddress.Loopback));
        Assert.NotNull(open.ReadRefusal(request, IPAddress.Parse("203.0.113.7")));

        var withToken = new OperatorAccess(new AdminSettings { Token = TokenNodeFixture.Token });
        Assert.NotNull(withToken.ReadRefusal(request, IPAddress.Loopback)); // a token set: loopback is not enough
        request.Headers.Authorization = $"Bearer {TokenNodeFixture.Token}";
        Assert.Null(withToken.ReadRefusal(request, IPAddress.Parse("203.0.113.7")));
    }

    [Fact]
    public async Task The_same_key_and_body_give_the_same_order_and_the_same_answer_another_body_is_422()
    {
        var key = $"key-{Guid.NewGuid():N}";
        var user = NodeFixture.NewUser();
        using var first = await node.Http.SendAsync(Checkout(key, user));
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var orderId = JsonDocument.Parse(firstBody).RootElement.GetProperty("orderId").GetString()!;
        Assert.Equal(CheckoutService.OrderIdFor(key), orderId);

        for (var i = 0; i < 3; i++)
        {
            using var repeat = await node.Http.SendAsync(Checkout(key, user));
            Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
            Assert.Equal(firstBody, await repeat.Content.ReadAsStringAsync()); // the very same answer
            Assert.Equal("true", repeat.Headers.GetValues(CheckoutService.ReplayedHeader).Single());
        }
        Assert.Single(await node.Services.GetRequiredService<PaymentLedger>().ChargesForAsync(orderId));
        using (var orders = await node.GetJsonAsync("/shop/orders?limit=1000"))
            Assert.Single(orders.RootElement.GetProperty("orders").EnumerateArray(), o => o.GetProperty("orderId").GetString() == orderId);

        using var other = await node.Http.SendAsync(Checkout(key, user, quantity: 2));
        using var error = await NodeFixture.Read(other, 422);
        Assert.Equal($"Idempotency-Key '{key}' was already used for another checkout (order '{orderId}') with a different user, product or quantity; " +
            "a different checkout needs a different key.", error.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_refused_checkout_keeps_nothing_so_the_corrected_request_under_its_key_is_placed()
    {
        // A stranger's refused checkouts, each under a new key, must not grow the order book's journal; and a caller
        // who mistyped the product may send the corrected request under the same key (nothing was done under it).
        var key = $"key-{Guid.NewGuid():N}";
        var user = NodeFixture.NewUser();
        using (var refused = await node.Http.SendAsync(Checkout(key, user, productId: "no such product")))
        using (var error = await NodeFixture.Read(refused, 404))
            Assert.Equal("The checkout's productId names no product: there is no product 'no such product'.", error.RootElement.GetProperty("error").GetString());

        using var placed = await node.Http.SendAsync(Checkout(key, user));
        Assert.Equal(HttpStatusCode.OK, placed.StatusCode); // not 422: the refused request left nothing under the key
        Assert.False(placed.Headers.Contains(CheckoutService.ReplayedHeader));
    }

    [Fact]
    public async Task A_key_whose_first_request_is_still_running_is_409_and_the_first_answer_stands()
    {
        await node.SetChaosAsync(DemoServices.Payments, new { latencyMs = 300 }); // well below the 500 ms timeout: the charge goes through, slowly
        var key = $"key-{Guid.NewGuid():N}";
        var user = NodeFixture.NewUser();
        var first = node.Http.SendAsync(Checkout(key, user));
        // The first holds the key from its start to its answer: a repeat meanwhile is told to come back. Repeats are
        // sent once its order is stored (it holds the key by then): sent at once, a repeat could reach the node first
        // and take the key itself (seen once on a clean clone: the first was the one answered 409).
        var orderId = CheckoutService.OrderIdFor(key);
        var orders = node.Services.GetRequiredService<OrderStore>();
        while (!first.IsCompleted && await orders.FindAsync(orderId, CancellationToken.None) is null) await Task.Delay(5);
        HttpResponseMessage? busy = null;
        while (!first.IsCompleted && busy is null)
        {
            var repeat = await node.Http.SendAsync(Checkout(key, user));
            if (repeat.StatusCode == HttpStatusCode.Conflict) busy = repeat;
            else repeat.Dispose();
        }
        using var answer = await first;
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.NotNull(busy); // the first took at least the 300 ms of the charge: the loop met it running
        using (busy)
        {
            Assert.Equal("1", busy!.Headers.RetryAfter?.ToString());
            using var error = JsonDocument.Parse(await busy.Content.ReadAsStringAsync());
            Assert.StartsWith($"A checkout with Idempotency-Key '{key}' is still being processed", error.RootElement.GetProperty("error").GetString());
        }
        using var after = await node.Http.SendAsync(Checkout(key, user));
        Assert.Equal(await answer.Content.ReadAsStringAsync(), await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_a_key_the_checkout_works_as_before_and_says_the_key_it_chose()
    {
        using var response = await node.Http.SendAsync(Checkout(null, NodeFixture.NewUser()));
        using var receipt = await NodeFixture.Read(response, 200);
        var key = receipt.RootElement.GetProperty("idempotencyKey").GetString()!;
        Assert.StartsWith("k-", key);
        Assert.Equal(CheckoutService.OrderIdFor(key), receipt.RootElement.GetProperty("orderId").GetString());
    }

    [Theory]
    [InlineData("a\u0007b", "Idempotency-Key holds the character 0x0007 at position 2")]
    [InlineData("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk", "Idempotency-Key is 129 characters long; it may have at most 128.")]
    public async Task A_bad_key_is_400_naming_the_header(string key, string expected)
    {
        var request = Checkout(null, NodeFixture.NewUser());
        request.Headers.TryAddWithoutValidation(CheckoutService.IdempotencyHeader, key);
        using var response = await node.Http.SendAsync(request);
        using var error = await NodeFixture.Read(response, 400);
        Assert.StartsWith(expected, error.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_charge_the_payments_service_refuses_for_good_ends_the_order_payment_failed_with_its_stock_released()
    {
        // The payments service already holds a charge under the order's idempotency key for another amount: it refuses (409).
        var key = $"key-{Guid.NewGuid():N}";
        var orderId = CheckoutService.OrderIdFor(key);
        await node.Services.GetRequiredService<PaymentLedger>().ChargeAsync(new ChargeRequest(orderId, 1m, "EUR"), orderId);

        using var response = await node.Http.SendAsync(Checkout(key, NodeFixture.NewUser()));
        using var failed = await NodeFixture.Read(response, 402);
        Assert.Equal("payment_failed", failed.RootElement.GetProperty("status").GetString());
        Assert.Contains("payments refused the charge", failed.RootElement.GetProperty("reason").GetString());
        Assert.Contains("409", failed.RootElement.GetProperty("reason").GetString());

        using var order = await node.GetJsonAsync($"/shop/orders/{orderId}");
        Assert.Equal("payment_failed", order.RootElement.GetProperty("status").GetString());
        Assert.Contains("payments refused the charge", order.RootElement.GetProperty("failedReason").GetString());
        var reservation = order.RootElement.GetProperty("reservationId").GetString()!;
        await Poll.UntilAsync(() => Task.FromResult(node.Services.GetRequiredService<InventoryLedger>().IsHeld(reservation)), held => !held,
            "the order's stock is released through the write queue");
        using (var failedOrders = await node.GetJsonAsync("/shop/orders?status=payment_failed&limit=1000"))
            Assert.Contains(failedOrders.RootElement.GetProperty("orders").EnumerateArray(), o => o.GetProperty("orderId").GetString() == orderId);
        // Nothing was charged for it: the ledger holds only the other charge, for 1 EUR.
        Assert.Equal(1m, Assert.Single(await node.Services.GetRequiredService<PaymentLedger>().ChargesForAsync(orderId)).Amount);
    }
}
