using Orchestrator.Contracts;
using Orchestrator.Node.Downstream;
using Orchestrator.WriteQueue;

namespace Orchestrator.Node.Shop.Orders;

/// <summary>
/// Ends an order whose payment failed for good (refused by the payments service, or poisoned after every attempt):
/// marks it <c>payment_failed</c> with the reason (a Warning event and <c>orchestrator.shop.orders_finished</c>), and
/// releases its stock through the durable write queue (target <c>inventory</c>, keyed by the order: queued once).
/// A release that cannot be queued now is queued by the payment recovery's next round.
/// </summary>
public sealed partial class PaymentFailures(OrderStore orders, IWriteQueue writes, ILogger<PaymentFailures> log)
{
    /// <summary>The idempotency key of an order's stock release.</summary>
    public static string ReleaseKey(string orderId) => $"release:{orderId}";

    /// <summary>Marks <paramref name="orderId"/>'s payment failed (a paid order stays paid) and queues its release; the order as it now is.</summary>
    public async Task<Order> FailAsync(string orderId, string reason, CancellationToken ct)
    {
        var order = await orders.MarkPaymentFailedAsync(orderId, reason, ct);
        if (order.Status == OrderStatus.PaymentFailed && order.ReleaseWriteId is null) order = await QueueReleaseAsync(order, ct);
        return order;
    }

    /// <summary>Queues the release of <paramref name="order"/>'s stock and records it; the order as it now is (unchanged when it could not be queued).</summary>
    public async Task<Order> QueueReleaseAsync(Order order, CancellationToken ct)
    {
        var queued = await writes.EnqueueAsync(new EnqueueWrite(DemoServices.Inventory, order.OrderId, order.ReservationId, ReleaseKey(order.OrderId)), ct);
        if (!queued.Accepted)
        {
            LogReleaseNotQueued(order.OrderId, queued.Error ?? "no reason given");
            return order;
        }
        await orders.RecordReleaseQueuedAsync(order.OrderId, queued.Id!, ct);
        return order with { ReleaseWriteId = queued.Id };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The release of the stock of order {OrderId} could not be queued: {Error}; the payment recovery tries again")]
    private partial void LogReleaseNotQueued(string orderId, string error);
}
