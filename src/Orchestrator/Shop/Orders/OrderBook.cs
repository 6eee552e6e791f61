using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace Orchestrator.Node.Shop.Orders;

/// <summary>
/// The demo shop's orders, durable on the node's journal (the same database as the write queue): an order is
/// answered as stored only once its event is written. One state: Akka.Persistence holds commands back while it
/// replays the journal, then every command is served.
/// </summary>
public sealed class OrderBook : ReceivePersistentActor
{
    /// <summary>The actor's name under its backoff supervisor.</summary>
    public const string Name = "orders";

    private readonly Dictionary<string, Order> _orders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _awaitingStore = new(StringComparer.Ordinal);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly TimeProvider _time;

    /// <summary>Creates the order book; use <see cref="Props"/>.</summary>
    public OrderBook(string persistenceId, TimeProvider time)
    {
        PersistenceId = persistenceId;
        _time = time;
        Recover<OrderPlaced>(Apply);
        Recover<OrderPaid>(Apply);
        Recover<OrderChargeQueued>(Apply);
        Command<PlaceOrder>(Place);
        Command<MarkOrderPaid>(MarkPaid);
        Command<RecordChargeQueued>(RecordChargeQueued);
        Command<GetOrder>(get => Sender.Tell(_orders.TryGetValue(get.OrderId, out var order) ? order : new OrderNotFound(get.OrderId)));
        Command<ListOrders>(list => Sender.Tell(Select(list.Status, _ => true, list.Limit)));
        Command<GetOrdersAwaitingCharge>(get =>
            Sender.Tell(Select(OrderStatus.PendingPayment, o => o.PaymentWriteId is null && o.PlacedAt < get.PlacedBefore, get.Limit)));
        // Persist holds commands back until its event is written: this answer comes after every earlier one's.
        Command<FlushOrders>(_ => Sender.Tell(new OrdersFlushed(_orders.Count)));
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props for the order book.</summary>
    public static Props Props(string persistenceId, TimeProvider time) => Akka.Actor.Props.Create(() => new OrderBook(persistenceId, time));

    private void Place(PlaceOrder place)
    {
        var replyTo = Sender;
        if (_orders.TryGetValue(place.Order.OrderId, out var known))
        {
            replyTo.Tell(new OrderStored(known));
            return;
        }
        _awaitingStore[place.Order.OrderId] = replyTo;
        Persist(new OrderPlaced(place.Order), e =>
        {
            _awaitingStore.Remove(e.Order.OrderId);
            Apply(e);
            _log.Info("Order {OrderId} of {UserId} placed: {Amount} {Currency}, payment pending", e.Order.OrderId, e.Order.UserId, e.Order.Amount, e.Order.Currency);
            replyTo.Tell(new OrderStored(e.Order));
        });
    }

    private void MarkPaid(MarkOrderPaid paid)
    {
        var replyTo = Sender;
        if (!_orders.TryGetValue(paid.OrderId, out var order))
        {
            replyTo.Tell(new OrderNotFound(paid.OrderId));
            return;
        }
        if (order.Status == OrderStatus.Paid)
        {
            replyTo.Tell(new OrderStored(order));
            return;
        }
        Persist(new OrderPaid(paid.OrderId, paid.ChargeId, _time.GetUtcNow()), e =>
        {
            Apply(e);
            _log.Info("Order {OrderId} paid by charge {ChargeId}", e.OrderId, e.ChargeId);
            replyTo.Tell(new OrderStored(_orders[e.OrderId]));
        });
    }

    private void RecordChargeQueued(RecordChargeQueued queued)
    {
        var replyTo = Sender;
        if (!_orders.TryGetValue(queued.OrderId, out var order))
        {
            replyTo.Tell(new OrderNotFound(queued.OrderId));
            return;
        }
        if (order.Status == OrderStatus.Paid || order.PaymentWriteId == queued.WriteId)
        {
            replyTo.Tell(new OrderStored(order));
            return;
        }
        Persist(new OrderChargeQueued(queued.OrderId, queued.WriteId), e =>
        {
            Apply(e);
            _log.Info("Order {OrderId}: its charge waits in the write queue as {WriteId}", e.OrderId, e.WriteId);
            replyTo.Tell(new OrderStored(_orders[e.OrderId]));
        });
    }

    /// <summary>The orders with <paramref name="status"/> (any when null) that match, oldest first, at most <paramref name="limit"/>.</summary>
    private OrderList Select(string? status, Func<Order, bool> match, int limit)
    {
        var matching = _orders.Values.Where(o => (status is null || o.Status == status) && match(o)).ToList();
        var first = matching.OrderBy(o => o.PlacedAt).ThenBy(o => o.OrderId, StringComparer.Ordinal).Take(Math.Max(0, limit)).ToList();
        return new OrderList(status, matching.Count, first);
    }

    private void Apply(OrderChargeQueued e)
    {
        if (_orders.TryGetValue(e.OrderId, out var order)) _orders[e.OrderId] = order with { PaymentWriteId = e.WriteId };
    }

    private void Apply(OrderPlaced e) => _orders[e.Order.OrderId] = e.Order;

    private void Apply(OrderPaid e)
    {
        if (_orders.TryGetValue(e.OrderId, out var order))
            _orders[e.OrderId] = order with { Status = OrderStatus.Paid, ChargeId = e.ChargeId, PaidAt = e.PaidAt };
    }

    /// <inheritdoc />
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        if (@event is OrderPlaced placed && _awaitingStore.Remove(placed.Order.OrderId, out var replyTo))
            replyTo.Tell(new OrderNotStored(placed.Order.OrderId, $"The order could not be stored: {cause.GetBaseException().Message}"));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }
}
