using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;
using Orchestrator.Actors.Client;
using Orchestrator.Contracts;
using Orchestrator.Node.Configuration;
using Orchestrator.Node.Downstream;
using Orchestrator.Node.Shop;
using Orchestrator.Node.Shop.Orders;
using Orchestrator.WriteQueue;

namespace Orchestrator.Node.Tests;

/// <summary>
/// No ambiguous "not stored": when the order book does not confirm that an order is stored, the checkout says the
/// outcome is unknown, names the order and the key, says a repeat with the key is safe, and charges nothing.
/// The checkout runs against an order book that never confirms a write.
/// </summary>
public sealed class CheckoutOutcomeTests : IAsyncLifetime
{
    private readonly ActorSystem _system = ActorSystem.Create("checkout-outcome");
    private readonly List<string> _called = [];

    public Task InitializeAsync() => Task.CompletedTask;
    public Task DisposeAsync() => _system.Terminate();

    /// <summary>An order book whose journal never confirms a write: it begins checkouts, and answers every order "not confirmed".</summary>
    private sealed class UnconfirmingBook : ReceiveActor
    {
        public UnconfirmingBook()
        {
            Receive<BeginCheckout>(b => Sender.Tell(new CheckoutBegun(b.Key, null)));
            Receive<PlaceOrder>(p => Sender.Tell(new OrderNotStored(p.Order.OrderId, "The journal did not confirm that the order is stored: disk I/O error")));
            Receive<EndCheckout>(_ => { });
        }
    }

    private sealed class Book(IActorRef actor) : IRequiredActor<OrderBook>
    {
        public IActorRef ActorRef => actor;
        public Task<IActorRef> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(actor);
    }

    /// <summary>Every dependency answers at once; the calls are recorded by dependency.</summary>
    private sealed class Answering(List<string> called) : IGuardedCalls
    {
        public ValueTask<CallResult<T>> CallAsync<T>(GuardedCall<T> call, CancellationToken cancellationToken = default)
        {
            called.Add(call.Dependency);
            object value = typeof(T) == typeof(Reservation)
                ? new Reservation("r-1", "p-100", 1, DateTimeOffset.UtcNow.AddMinutes(15))
                : new ChargeReceipt("ch-1", "o-x", 1m, "EUR", "captured");
            return new(new CallResult<T>(call.Dependency, new CallReport(CallOutcome.Succeeded, value, DegradationReason.None, null, null, null, TimeSpan.Zero, 1)));
        }

        public ValueTask<CallResult<T>> CallAsync<T>(string dependency, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
            CallAsync(new GuardedCall<T>(dependency, work), cancellationToken);

        public Task<OrchestratorStatus> StatusAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<BreakerCommandResult> IsolateAsync(string dependency, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<BreakerCommandResult> ResetAsync(string dependency, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<OptionsChangeResult> ChangeOptionsAsync(string dependency, Action<DependencyOptions> change, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }

    [Fact]
    public async Task An_order_the_journal_did_not_confirm_is_an_unknown_outcome_naming_the_order_and_the_key_and_nothing_is_charged()
    {
        var orders = new OrderStore(new Book(_system.ActorOf(Props.Create(() => new UnconfirmingBook()))));
        var downstream = new DownstreamClient(new HttpClient(), new DownstreamBaseAddress(null, new DownstreamSettings { BaseUrl = "http://unused.test/" }), TimeProvider.System);
        var writes = new Unused();
        var checkout = new CheckoutService(new Answering(_called), downstream, orders, new PaymentFailures(orders, writes, NullLogger<PaymentFailures>.Instance),
            writes, TimeProvider.System, NullLogger<CheckoutService>.Instance);

        var result = await checkout.CheckoutAsync(new CheckoutRequest("alice", "p-100", 1), new StringValues("my-key-1"), CancellationToken.None);

        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        await result.ExecuteAsync(context);
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        context.Response.Body.Position = 0;
        using var body = await JsonDocument.ParseAsync(context.Response.Body);
        var orderId = CheckoutService.OrderIdFor("my-key-1");
        Assert.Equal("unknown", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(orderId, body.RootElement.GetProperty("orderId").GetString());
        Assert.Equal("my-key-1", body.RootElement.GetProperty("idempotencyKey").GetString());
        var error = body.RootElement.GetProperty("error").GetString()!;
        Assert.Contains("The outcome of the checkout is not known", error);
        Assert.Contains($"The order '{orderId}' may be stored", error);
        Assert.Contains("'Idempotency-Key: my-key-1': that is safe", error);
        Assert.DoesNotContain("not stored", error.Replace("may be stored", ""));
        Assert.Equal([DemoServices.Inventory], _called); // reserved, never charged
    }

    private sealed class Unused : IWriteQueue
    {
        public Task<EnqueueResult> EnqueueAsync(EnqueueWrite write, CancellationToken cancellationToken = default) => throw new InvalidOperationException("no write expected");
        public Task<DeliveriesStopped> StopDeliveriesAsync(TimeSpan wait, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<WriteQueueStatus> StatusAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<PoisonList> PoisonedAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<WriteEntry?> FindAsync(string id, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<bool> RedriveAsync(string id, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<bool> DropAsync(string id, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
