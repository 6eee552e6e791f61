using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Microsoft.Data.Sqlite;
using Orchestrator.Node.Shop.Orders;
using Orchestrator.Contracts;
using Orchestrator.WriteQueue;

namespace Orchestrator.Node.Tests;

/// <summary>
/// The order book's serializer: every stored type comes back as it went in (every optional member set, and none),
/// an unknown kind is a clear error, and a journal written before the serializer existed (Akka's default
/// serializer, Newtonsoft.Json) is still read.
/// </summary>
public sealed class OrderJournalSerializerTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 10, 30, 15, 123, TimeSpan.FromHours(1));
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"order-journal-{Guid.NewGuid():N}");

    public OrderJournalSerializerTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private static Order Bare => new("o-1", "u-1", "p-101", 2, 119.90m, "EUR", "r-1", OrderStatus.PendingPayment, At);

    private static Order Full => Bare with
    {
        Status = OrderStatus.PaymentFailed, ChargeId = "ch-1", PaidAt = At.AddSeconds(1), PaymentWriteId = "w-1",
        IdempotencyKey = "k-1", RequestHash = "abc", ReservationExpiresAt = At.AddMinutes(15),
        FailedReason = "refused: \"card declined\" \u00e9\u4e2d", FailedAt = At.AddSeconds(2), ReleaseWriteId = "w-2",
    };

    public static TheoryData<object> Events => new()
    {
        new OrderPlaced(Bare),
        new OrderPlaced(Full),
        new OrderPaid("o-1", "ch-1", At),
        new OrderChargeQueued("o-1", "w-1"),
        new OrderPaymentFailed("o-1", "poisoned after 5 attempts", At),
        new OrderReleaseQueued("o-1", "w-2"),
        new CheckoutAnswered("k-1", "abc", "o-1", 200, """{"orderId":"o-1","note":"<b>\"quoted\"</b>"}"""),
        new CheckoutAnswered("k-2", "def", null, 404, """{"error":"no product p-999"}"""),
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Every_event_comes_back_as_it_went_in(object stored)
    {
        var serializer = new OrderJournalSerializer(null!);
        var back = serializer.FromBinary(serializer.ToBinary(stored), serializer.Manifest(stored));
        Assert.Equal(stored, back);
    }

    [Fact]
    public void A_snapshot_comes_back_with_every_order_and_key()
    {
        var serializer = new OrderJournalSerializer(null!);
        var snapshot = new OrderBookSnapshot([Bare, Full with { OrderId = "o-2" }],
            [new CheckoutKeyState("k-1", "abc", "o-1", 200, """{"orderId":"o-1"}"""), new CheckoutKeyState("k-2", "def", null, null, null)]);
        var back = (OrderBookSnapshot)serializer.FromBinary(serializer.ToBinary(snapshot), serializer.Manifest(snapshot));
        Assert.Equal(snapshot.Orders, back.Orders);
        Assert.Equal(snapshot.Keys, back.Keys);
    }

    [Fact]
    public void An_unknown_kind_of_entry_is_an_error_naming_it()
    {
        var serializer = new OrderJournalSerializer(null!);
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "order-refunded"));
        Assert.Contains("'order-refunded'", error.Message);
        Assert.Throws<ArgumentException>(() => serializer.Manifest("a string"));
    }

    [Fact]
    public async Task A_journal_written_by_the_default_serializer_is_still_read()
    {
        var journal = Path.Combine(_directory, "orchestrator.db");
        var storage = WriteQueueStorage.Config(new WriteQueueOptions { DatabasePath = journal }).WithFallback(SqlPersistence.DefaultConfiguration);

        // Written as before: no binding, so Akka's default serializer (Newtonsoft.Json, id 1).
        using (var before = ActorSystem.Create("before", storage))
        {
            var writer = before.ActorOf(Props.Create(() => new EventWriter(OrderHosting.PersistenceId)));
            var written = await writer.Ask<string>(new object[]
            {
                new OrderPlaced(Full with { Status = OrderStatus.PendingPayment, ChargeId = null, PaidAt = null }),
                new OrderPaid("o-1", "ch-1", At),
                new CheckoutAnswered("k-1", "abc", "o-1", 200, """{"orderId":"o-1"}"""),
            }, TimeSpan.FromSeconds(30));
            Assert.Equal("written", written);
            await before.Terminate();
        }
        using (var check = new SqliteConnection($"Data Source={journal};Pooling=False"))
        {
            check.Open();
            using var ids = check.CreateCommand();
            ids.CommandText = "SELECT DISTINCT identifier FROM journal";
            Assert.Equal(1L, (long)ids.ExecuteScalar()!);
        }

        // Read by the order book as it runs now (its serializer bound).
        using var after = ActorSystem.Create("after", ConfigurationFactory.ParseString(OrderJournalSerializer.Config).WithFallback(storage));
        var book = after.ActorOf(OrderBook.Props(OrderHosting.PersistenceId, TimeProvider.System, journal, 1000));
        var order = await book.Ask<object>(new GetOrder("o-1"), TimeSpan.FromSeconds(30));
        var read = Assert.IsType<Order>(order);
        Assert.Equal(OrderStatus.Paid, read.Status);
        Assert.Equal("ch-1", read.ChargeId);
        Assert.Equal("k-1", read.IdempotencyKey);
        Assert.Equal(119.90m, read.Amount);
        await after.Terminate();
    }

    /// <summary>Persists the events it is sent (an array) under a persistence id, and answers "written".</summary>
    private sealed class EventWriter : ReceivePersistentActor
    {
        public EventWriter(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<object>(_ => { });
            Command<object[]>(events =>
            {
                var replyTo = Sender;
                var left = events.Length;
                PersistAll(events, _ =>
                {
                    if (--left == 0) replyTo.Tell("written");
                });
            });
        }

        public override string PersistenceId { get; }
    }
}
