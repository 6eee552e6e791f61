using Akka.Actor;
using Akka.Hosting;

namespace Orchestrator.Node.Shop.Orders;

/// <summary>The order book for the shop's handlers and the payment write target: asks to the <see cref="OrderBook"/>.</summary>
public sealed class OrderStore(IRequiredActor<OrderBook> book)
{
    /// <summary>
    /// The longest the order book may take to answer. Short, so that a checkout never hangs on it: a journal that
    /// does not answer in time is a failure the caller is told about, and the order recovery puts right later.
    /// </summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Stores a new order (again is harmless). Without an order, the error says why the outcome is not known: the
    /// order book did not confirm in time, or its journal did not confirm the write. Either way the order may be
    /// stored: the caller must never say it is not.
    /// </summary>
    public async Task<(Order? Order, string? Error)> PlaceAsync(Order order, CancellationToken ct)
    {
        try
        {
            return await (await book.GetAsync(ct)).Ask<object>(new PlaceOrder(order), Limit, ct) switch
            {
                OrderStored stored => (stored.Order, null),
                OrderNotStored failed => (null, failed.Error),
                var other => (null, $"The order book answered {other.GetType().Name}."),
            };
        }
        catch (AskTimeoutException)
        {
            return (null, $"The order book did not confirm within {Limit.TotalSeconds:0} s whether the order is stored.");
        }
    }

    /// <summary>
    /// Begins a checkout under <paramref name="key"/>: <see cref="CheckoutBegun"/>, <see cref="CheckoutReplay"/>,
    /// <see cref="CheckoutInProgress"/> or <see cref="CheckoutKeyConflict"/>; throws while the order book is not running.
    /// </summary>
    public Task<object> BeginCheckoutAsync(string key, string requestHash, CancellationToken ct) => AskAsync<object>(new BeginCheckout(key, requestHash), ct);

    /// <summary>Frees <paramref name="key"/> for a checkout that ended without an answer to keep (no answer awaited).</summary>
    public async Task EndCheckoutAsync(string key, CancellationToken ct) => (await book.GetAsync(ct)).Tell(new EndCheckout(key));

    /// <summary>Stores the answer of the checkout under <paramref name="key"/>, given again to its repeats; throws when it could not be stored.</summary>
    public Task RecordAnswerAsync(string key, string requestHash, string? orderId, int status, string body, CancellationToken ct) =>
        AskAsync<CheckoutAnswerStored>(new RecordCheckoutAnswer(key, requestHash, orderId, status, body), ct);

    /// <summary>Marks an unpaid order's payment failed for good; throws when that could not be stored.</summary>
    public Task<Order> MarkPaymentFailedAsync(string orderId, string reason, CancellationToken ct) => StoredAsync(new MarkPaymentFailed(orderId, reason), ct);

    /// <summary>Records that a failed order's stock release is queued as <paramref name="writeId"/>; throws when that could not be stored.</summary>
    public Task RecordReleaseQueuedAsync(string orderId, string writeId, CancellationToken ct) => StoredAsync(new RecordReleaseQueued(orderId, writeId), ct);

    /// <summary>Unpaid orders placed before <paramref name="placedBefore"/> whose charge was queued.</summary>
    public Task<OrderList> WithChargeQueuedAsync(DateTimeOffset placedBefore, int limit, CancellationToken ct) =>
        AskAsync<OrderList>(new GetOrdersWithChargeQueued(placedBefore, limit), ct);

    /// <summary>Orders whose payment failed and whose stock release was never queued.</summary>
    public Task<OrderList> FailedAwaitingReleaseAsync(int limit, CancellationToken ct) => AskAsync<OrderList>(new GetFailedAwaitingRelease(limit), ct);

    private async Task<Order> StoredAsync(object command, CancellationToken ct) =>
        await AskAsync<object>(command, ct) switch
        {
            OrderStored stored => stored.Order,
            OrderNotFound missing => throw new InvalidOperationException($"There is no order '{missing.OrderId}'."),
            var other => throw new InvalidOperationException($"The order book answered {other.GetType().Name} to {command.GetType().Name}."),
        };

    /// <summary>Marks an order paid; throws when that could not be stored (the caller retries).</summary>
    public Task MarkPaidAsync(string orderId, string chargeId, CancellationToken ct) => AskAsync<OrderStored>(new MarkOrderPaid(orderId, chargeId), ct);

    /// <summary>Records that the order's charge is queued as <paramref name="writeId"/>; throws when that could not be stored.</summary>
    public Task RecordChargeQueuedAsync(string orderId, string writeId, CancellationToken ct) =>
        AskAsync<OrderStored>(new RecordChargeQueued(orderId, writeId), ct);

    /// <summary>Orders with <paramref name="status"/> (all when null), oldest first, skipping <paramref name="offset"/>, at most <paramref name="limit"/>.</summary>
    public Task<OrderList> ListAsync(string? status, int limit, int offset, CancellationToken ct) => AskAsync<OrderList>(new ListOrders(status, limit) { Offset = offset }, ct);

    /// <summary>Unpaid orders placed before <paramref name="placedBefore"/> whose charge was never queued.</summary>
    public Task<OrderList> AwaitingChargeAsync(DateTimeOffset placedBefore, int limit, CancellationToken ct) =>
        AskAsync<OrderList>(new GetOrdersAwaitingCharge(placedBefore, limit), ct);

    /// <summary>Waits until every order event asked for so far is in the journal.</summary>
    public Task<OrdersFlushed> FlushAsync(CancellationToken ct) => AskAsync<OrdersFlushed>(FlushOrders.Instance, ct);

    /// <summary>The order, or null when there is none with this id; throws while the order book is not running.</summary>
    public async Task<Order?> FindAsync(string orderId, CancellationToken ct) =>
        await AskAsync<object>(new GetOrder(orderId), ct) switch
        {
            Order order => order,
            OrderNotFound => null,
            var other => throw new InvalidOperationException($"The order book answered {other.GetType().Name}."),
        };

    /// <summary>
    /// Asks the order book; throws <see cref="InvalidOperationException"/> naming the problem while it is not running
    /// (its backoff supervisor answers <see cref="OrderNotStored"/> then), and <see cref="AskTimeoutException"/> after <see cref="Limit"/>.
    /// </summary>
    private async Task<T> AskAsync<T>(object message, CancellationToken ct)
    {
        var answer = await (await book.GetAsync(ct)).Ask<object>(message, Limit, ct);
        return answer switch
        {
            OrderNotStored down => throw new InvalidOperationException(down.Error),
            T value => value,
            _ => throw new InvalidOperationException($"The order book answered {answer.GetType().Name} to {message.GetType().Name}."),
        };
    }
}
