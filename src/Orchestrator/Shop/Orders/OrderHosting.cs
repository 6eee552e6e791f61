using Akka.Hosting;
using Akka.Pattern;

namespace Orchestrator.Node.Shop.Orders;

/// <summary>Starts the order book (<c>/user/order-book/orders</c>) on the node's journal.</summary>
public static class OrderHosting
{
    /// <summary>The order book's persistence id.</summary>
    public const string PersistenceId = "shop-orders";

    /// <summary>
    /// Starts the order book under a backoff supervisor: when the journal fails it stops, and starts again (and
    /// replays) after a pause; meanwhile its callers get <see cref="OrderNotStored"/>. Its events and snapshots are
    /// stored by <see cref="OrderJournalSerializer"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithOrderBook(this AkkaConfigurationBuilder builder, TimeProvider time, string store, int snapshotEvery) =>
        builder.AddHocon(OrderJournalSerializer.Config, HoconAddMode.Prepend).WithActors((system, registry) =>
        {
            var book = system.ActorOf(BackoffSupervisor.Props(
                Backoff.OnStop(OrderBook.Props(PersistenceId, time, store, snapshotEvery), OrderBook.Name, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, -1)
                    .WithReplyWhileStopped(new OrderNotStored("", "The order book is not running (its journal failed); it restarts shortly."))),
                "order-book");
            registry.Register<OrderBook>(book);
        });
}
