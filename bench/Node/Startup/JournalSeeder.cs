using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Orchestrator.Contracts;
using Orchestrator.Node.Shop.Orders;
using Orchestrator.WriteQueue;

namespace Orchestrator.Bench.Node;

/// <summary>
/// Fills a journal with the order book's history of <c>orders</c> paid checkouts, as the node writes it (each order
/// placed, paid, and its checkout's answer kept: three events), through Akka.Persistence on the same SQLite file and
/// with the same serializer, in batches: a history a real shop would take days to write, in a minute.
/// </summary>
public static class JournalSeeder
{
    public static async Task SeedAsync(string journal, int orders, TextWriter progress)
    {
        var options = new WriteQueueOptions { DatabasePath = journal };
        var config = WriteQueueStorage.Config(options).WithFallback(ConfigurationFactory.ParseString(OrderJournalSerializer.Config))
            .WithFallback(SqlPersistence.DefaultConfiguration)
            .WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        using var system = ActorSystem.Create("seeder", config);
        var seeder = system.ActorOf(Props.Create(() => new Seeder()), "seeder");
        const int batch = 2000;
        for (var done = 0; done < orders; done += batch)
        {
            await seeder.Ask<Seeded>(new Seed(done, Math.Min(batch, orders - done)), TimeSpan.FromMinutes(5));
            if ((done / batch) % 10 == 0) await progress.WriteLineAsync($"seeded {done + Math.Min(batch, orders - done)} of {orders} orders");
        }
        await system.Terminate();
    }

    private sealed record Seed(int From, int Count);

    private sealed record Seeded;

    /// <summary>Writes under the order book's own persistence id.</summary>
    private sealed class Seeder : ReceivePersistentActor
    {
        public override string PersistenceId => OrderHosting.PersistenceId;

        public Seeder()
        {
            Recover<object>(_ => { });
            Command<Seed>(seed =>
            {
                var replyTo = Sender;
                var events = new List<object>(seed.Count * 3);
                var at = DateTimeOffset.UtcNow;
                for (var i = seed.From; i < seed.From + seed.Count; i++)
                {
                    var key = $"seed-{i}";
                    var orderId = Orchestrator.Node.Shop.CheckoutService.OrderIdFor(key);
                    var order = new Order(orderId, $"u-{i % 1000}", $"p-10{i % 10}", 1, 119m, "EUR", $"r-{i}", OrderStatus.PendingPayment, at)
                    {
                        IdempotencyKey = key, RequestHash = $"{i:x64}", ReservationExpiresAt = at.AddMinutes(15),
                    };
                    events.Add(new OrderPlaced(order));
                    events.Add(new OrderPaid(orderId, $"ch-{i}", at));
                    events.Add(new CheckoutAnswered(key, order.RequestHash, orderId, 200,
                        $$"""{"orderId":"{{orderId}}","status":"paid","reservation":{"reservationId":"r-{{i}}","productId":"p-100","quantity":1},"charge":{"chargeId":"ch-{{i}}","amount":119.00,"currency":"EUR","status":"captured"},"idempotencyKey":"{{key}}"}"""));
                }
                var left = events.Count;
                PersistAll(events, _ =>
                {
                    if (--left == 0) replyTo.Tell(new Seeded());
                });
            });
        }
    }
}
