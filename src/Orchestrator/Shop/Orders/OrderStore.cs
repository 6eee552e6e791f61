using Akka.Actor;
using Akka.Hosting;

namespace Orchestrator.Node.Shop.Orders;

/// <summary>The order book for the shop's handlers and the payment write target: asks to the <see cref="OrderBook"/>.</summary>
public sealed class OrderStore(IRequiredActor<OrderBook> book)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Stores a new order; the error names the problem when it could not be stored.</summary>
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
            return (null, $"The order book did not store the order within {Limit.TotalSeconds:0} s.");
        }
    }

    /// <summary>Marks an order paid; throws when that could not be stored (the caller retries).</summary>
    public async Task MarkPaidAsync(string orderId, string chargeId, CancellationToken ct)
    {
        var answer = await (await book.GetAsync(ct)).Ask<object>(new MarkOrderPaid(orderId, chargeId), Limit, ct);
        if (answer is not OrderStored)
            throw new InvalidOperationException($"Order {orderId} could not be marked paid: the order book answered {answer.GetType().Name}.");
    }

    /// <summary>The order, or null when there is none with this id.</summary>
    public async Task<Order?> FindAsync(string orderId, CancellationToken ct) =>
        await (await book.GetAsync(ct)).Ask<object>(new GetOrder(orderId), Limit, ct) as Order;
}
