using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Orchestrator.WriteQueue;

namespace Orchestrator.Node.Shop.Orders;

/// <summary>
/// The demo shop's orders, durable on the node's journal (the same database as the write queue): an order is
/// answered as stored only once its event is written. It also keeps the checkouts' idempotency keys
/// (<see cref="CheckoutKeys"/>): the answer each got, stored with the orders, and the keys in use. One state:
/// Akka.Persistence holds commands back while it replays the journal, then every command is served.
/// </summary>
public sealed class OrderBook : ReceivePersistentActor
{
    /// <summary>The actor's name under its backoff supervisor.</summary>
    public const string Name = "orders";

    private readonly Dictionary<string, Order> _orders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _awaitingStore = new(StringComparer.Ordinal);
    private readonly CheckoutKeys _keys;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly TimeProvider _time;
    private readonly string _store;
    private readonly int _snapshotEvery;
    private int _sinceSnapshot;

    /// <summary>Creates the order book; use <see cref="Props"/>.</summary>
    public OrderBook(string persistenceId, TimeProvider time, string store, int snapshotEvery)
    {
        PersistenceId = persistenceId;
        _time = time;
        _store = store;
        _snapshotEvery = snapshotEvery;
        _keys = new CheckoutKeys(time);
        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is not OrderBookSnapshot snapshot) return;
            _orders.Clear();
            foreach (var order in snapshot.Orders) _orders[order.OrderId] = order;
            _keys.Restore(snapshot.Keys);
        });
        Recover<OrderPlaced>(e => Replayed(e));
        Recover<OrderPaid>(e => Replayed(e));
        Recover<OrderChargeQueued>(e => Replayed(e));
        Recover<OrderPaymentFailed>(e => Replayed(e));
        Recover<OrderReleaseQueued>(e => Replayed(e));
        Recover<CheckoutAnswered>(e => Replayed(e));
        Recover<RecoveryCompleted>(_ =>
        {
            _log.Info("The order book read its journal: {Orders} orders, {Keys} checkout keys ({Events} events after its snapshot)", _orders.Count, _keys.Count, _sinceSnapshot);
            // Many events read back: a snapshot now, so that the next start reads them no more.
            if (_sinceSnapshot >= SnapshotAfter) Snapshot();
        });
        Command<SaveSnapshotSuccess>(saved =>
        {
            _log.Info("The order book saved a snapshot of {Orders} orders at event {SequenceNr}", _orders.Count, saved.Metadata.SequenceNr);
            DeleteMessages(saved.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failed => _log.Warning(failed.Cause, "The order book could not save a snapshot in {Store}; it goes on with the journal", _store));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning(f.Cause, "The order book could not delete old journal events from {Store}", _store));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "The order book could not delete old snapshots from {Store}", _store));
        Command<PlaceOrder>(Place);
        Command<MarkOrderPaid>(MarkPaid);
        Command<MarkPaymentFailed>(MarkFailed);
        Command<RecordChargeQueued>(q => Update(q.OrderId, o => o.Status == OrderStatus.Paid || o.PaymentWriteId == q.WriteId,
            new OrderChargeQueued(q.OrderId, q.WriteId), e => _log.Info("Order {OrderId}: its charge waits in the write queue as {WriteId}", e.OrderId, e.WriteId)));
        Command<RecordReleaseQueued>(q => Update(q.OrderId, o => o.ReleaseWriteId == q.WriteId,
            new OrderReleaseQueued(q.OrderId, q.WriteId), e => _log.Info("Order {OrderId}: the release of its stock waits in the write queue as {WriteId}", e.OrderId, e.WriteId)));
        Command<BeginCheckout>(begin => Sender.Tell(_keys.Begin(begin.Key, begin.RequestHash, id => _orders.GetValueOrDefault(id))));
        Command<EndCheckout>(end => _keys.End(end.Key));
        Command<RecordCheckoutAnswer>(RecordAnswer);
        Command<GetOrder>(get => Sender.Tell(_orders.TryGetValue(get.OrderId, out var order) ? order : new OrderNotFound(get.OrderId)));
        Command<ListOrders>(list => Sender.Tell(Select(list.Status, _ => true, list.Limit, list.Offset)));
        Command<GetOrdersAwaitingCharge>(get =>
            Sender.Tell(Select(OrderStatus.PendingPayment, o => o.PaymentWriteId is null && o.PlacedAt < get.PlacedBefore, get.Limit)));
        Command<GetOrdersWithChargeQueued>(get =>
            Sender.Tell(Select(OrderStatus.PendingPayment, o => o.PaymentWriteId is not null && o.PlacedAt < get.PlacedBefore, get.Limit)));
        Command<GetFailedAwaitingRelease>(get => Sender.Tell(Select(OrderStatus.PaymentFailed, o => o.ReleaseWriteId is null, get.Limit)));
        // Persist holds commands back until its event is written: this answer comes after every earlier one's.
        Command<FlushOrders>(_ => Sender.Tell(new OrdersFlushed(_orders.Count)));
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>
    /// Props for the order book, whose journal is <paramref name="store"/> (named in its errors), saving a snapshot
    /// every <paramref name="snapshotEvery"/> events.
    /// </summary>
    public static Props Props(string persistenceId, TimeProvider time, string store, int snapshotEvery) =>
        Akka.Actor.Props.Create(() => new OrderBook(persistenceId, time, store, snapshotEvery));

    /// <summary>An event read back from the journal.</summary>
    private void Replayed(object e)
    {
        if (e is CheckoutAnswered answered) _keys.Answered(answered);
        else Apply(e);
        _sinceSnapshot++;
    }

    /// <summary>An event just written: applied, and a snapshot every <c>snapshotEvery</c> of them.</summary>
    private void Written(object e)
    {
        if (e is CheckoutAnswered answered) _keys.Answered(answered);
        else Apply(e);
        if (++_sinceSnapshot >= SnapshotAfter) Snapshot();
    }

    /// <summary>
    /// How many events between snapshots: <c>snapshotEvery</c>, or a quarter of the book once that is more, so that
    /// the snapshots of a big book (each the size of the book) cost a bounded share of the writes, and a start reads
    /// at most that many events after the last.
    /// </summary>
    private int SnapshotAfter => Math.Max(_snapshotEvery, _orders.Count / 4);

    private void Snapshot()
    {
        _sinceSnapshot = 0;
        SaveSnapshot(new OrderBookSnapshot([.. _orders.Values], _keys.ToSnapshot()));
    }

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
            Written(e);
            _log.Info("Order {OrderId} of {UserId} placed: {Amount} {Currency}, payment pending", e.Order.OrderId, e.Order.UserId, e.Order.Amount, e.Order.Currency);
            replyTo.Tell(new OrderStored(e.Order));
        });
    }

    private void MarkPaid(MarkOrderPaid paid) => Update(paid.OrderId, o => o.Status == OrderStatus.Paid,
        new OrderPaid(paid.OrderId, paid.ChargeId, _time.GetUtcNow()), e =>
        {
            _log.Info("Order {OrderId} paid by charge {ChargeId}", e.OrderId, e.ChargeId);
            NodeMetrics.OrderFinished(OrderStatus.Paid);
        });

    private void MarkFailed(MarkPaymentFailed failed) => Update(failed.OrderId, o => o.Status != OrderStatus.PendingPayment,
        new OrderPaymentFailed(failed.OrderId, failed.Reason, _time.GetUtcNow()), e =>
        {
            _log.Warning("Order {OrderId}: payment failed for good: {Reason}; its stock is released", e.OrderId, e.Reason);
            NodeMetrics.OrderFinished(OrderStatus.PaymentFailed);
        });

    /// <summary>
    /// Stores <paramref name="change"/> of an order and answers the order as it then is, unless <paramref name="done"/>
    /// says the order already is so (then it answers the order as it is); <see cref="OrderNotFound"/> for an unknown order.
    /// </summary>
    private void Update<TEvent>(string orderId, Func<Order, bool> done, TEvent change, Action<TEvent> then) where TEvent : class
    {
        var replyTo = Sender;
        if (!_orders.TryGetValue(orderId, out var order))
        {
            replyTo.Tell(new OrderNotFound(orderId));
            return;
        }
        if (done(order))
        {
            replyTo.Tell(new OrderStored(order));
            return;
        }
        Persist(change, e =>
        {
            Written(e);
            then(e);
            replyTo.Tell(new OrderStored(_orders[orderId]));
        });
    }

    private void RecordAnswer(RecordCheckoutAnswer answer)
    {
        var replyTo = Sender;
        Persist(new CheckoutAnswered(answer.Key, answer.RequestHash, answer.OrderId, answer.Status, answer.Body), e =>
        {
            Written(e);
            replyTo.Tell(new CheckoutAnswerStored(e.Key));
        });
    }

    /// <summary>The orders with <paramref name="status"/> (any when null) that match, oldest first, from <paramref name="offset"/> on, at most <paramref name="limit"/>.</summary>
    private OrderList Select(string? status, Func<Order, bool> match, int limit, int offset = 0)
    {
        var matching = _orders.Values.Where(o => (status is null || o.Status == status) && match(o)).ToList();
        var first = matching.OrderBy(o => o.PlacedAt).ThenBy(o => o.OrderId, StringComparer.Ordinal).Skip(Math.Max(0, offset)).Take(Math.Max(0, limit)).ToList();
        return new OrderList(status, matching.Count, first);
    }

    private void Apply(object e)
    {
        switch (e)
        {
            case OrderPlaced placed:
                _orders[placed.Order.OrderId] = placed.Order;
                _keys.Placed(placed.Order);
                break;
            case OrderPaid paid:
                Change(paid.OrderId, o => o with { Status = OrderStatus.Paid, ChargeId = paid.ChargeId, PaidAt = paid.PaidAt, FailedReason = null });
                break;
            case OrderChargeQueued queued:
                Change(queued.OrderId, o => o with { PaymentWriteId = queued.WriteId });
                break;
            case OrderPaymentFailed failed:
                Change(failed.OrderId, o => o with { Status = OrderStatus.PaymentFailed, FailedReason = failed.Reason, FailedAt = failed.FailedAt });
                break;
            case OrderReleaseQueued release:
                Change(release.OrderId, o => o with { ReleaseWriteId = release.WriteId });
                break;
        }
    }

    private void Change(string orderId, Func<Order, Order> change)
    {
        if (_orders.TryGetValue(orderId, out var order)) _orders[orderId] = change(order);
    }

    /// <inheritdoc />
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _log.Error(reason, "The order book could not read its journal ({Store}): {Error}", _store, reason.Message);
        if (JournalFailures.IsUnreadable(reason)) Context.System.EventStream.Publish(new JournalUnreadable(_store, PersistenceId, JournalFailures.Describe(reason)));
        base.OnRecoveryFailure(reason, message);
    }

    /// <inheritdoc />
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The journal did not confirm the write: it may or may not be stored. The caller is told so (never "not
        // stored"), and the order book restarts and reads back what is.
        if (@event is OrderPlaced placed && _awaitingStore.Remove(placed.Order.OrderId, out var replyTo))
            replyTo.Tell(new OrderNotStored(placed.Order.OrderId, $"The journal did not confirm that the order is stored: {cause.GetBaseException().Message}"));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }
}
