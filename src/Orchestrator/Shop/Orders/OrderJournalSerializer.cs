using System.Runtime.Serialization;
using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Orchestrator.Node.Shop.Orders;

/// <summary>What the order book stores: its events and its snapshot (bound to <see cref="OrderJournalSerializer"/>).</summary>
public interface IOrderJournalEntry;

/// <summary>
/// Stores the order book's events and snapshots as compact JSON (System.Text.Json, source-generated), each under a
/// short fixed manifest rather than a .NET type name: a snapshot of 100 000 orders is read in a fraction of the time
/// Akka's default serializer (Newtonsoft.Json with type names) takes, and renaming a class does not orphan stored
/// events. Rows written before it came (serializer 1, Newtonsoft) are still read by Akka's default serializer, which
/// the journal names per row.
/// </summary>
public sealed class OrderJournalSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>The serializer's id, stored with every row it writes: never change it.</summary>
    public const int Id = 7301;

    /// <summary>The HOCON that registers it and binds the order book's stored types to it.</summary>
    public static readonly string Config = $$"""
        akka.actor {
          serializers.order-journal = "{{typeof(OrderJournalSerializer).FullName}}, {{typeof(OrderJournalSerializer).Assembly.GetName().Name}}"
          serialization-bindings {
            "{{typeof(IOrderJournalEntry).FullName}}, {{typeof(IOrderJournalEntry).Assembly.GetName().Name}}" = order-journal
          }
        }
        """;

    // Manifests are stored: never change one, add new ones.
    private const string Placed = "placed";
    private const string Paid = "paid";
    private const string ChargeQueued = "charge-queued";
    private const string PaymentFailed = "payment-failed";
    private const string ReleaseQueued = "release-queued";
    private const string Answered = "answered";
    private const string SnapshotManifest = "snapshot";

    /// <summary>JSON as it is: a stored answer's quotes stay quotes rather than <c>\u0022</c>.</summary>
    private static readonly OrderJournalJson Json = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        OrderPlaced => Placed,
        OrderPaid => Paid,
        OrderChargeQueued => ChargeQueued,
        OrderPaymentFailed => PaymentFailed,
        OrderReleaseQueued => ReleaseQueued,
        CheckoutAnswered => Answered,
        OrderBookSnapshot => SnapshotManifest,
        _ => throw new ArgumentException($"The order journal does not store {o.GetType()}.", nameof(o)),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => obj switch
    {
        OrderPlaced e => JsonSerializer.SerializeToUtf8Bytes(e, Json.OrderPlaced),
        OrderPaid e => JsonSerializer.SerializeToUtf8Bytes(e, Json.OrderPaid),
        OrderChargeQueued e => JsonSerializer.SerializeToUtf8Bytes(e, Json.OrderChargeQueued),
        OrderPaymentFailed e => JsonSerializer.SerializeToUtf8Bytes(e, Json.OrderPaymentFailed),
        OrderReleaseQueued e => JsonSerializer.SerializeToUtf8Bytes(e, Json.OrderReleaseQueued),
        CheckoutAnswered e => JsonSerializer.SerializeToUtf8Bytes(e, Json.CheckoutAnswered),
        OrderBookSnapshot s => Compressed(s),
        _ => throw new ArgumentException($"The order journal does not store {obj.GetType()}.", nameof(obj)),
    };

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        Placed => Read(bytes, Json.OrderPlaced, manifest),
        Paid => Read(bytes, Json.OrderPaid, manifest),
        ChargeQueued => Read(bytes, Json.OrderChargeQueued, manifest),
        PaymentFailed => Read(bytes, Json.OrderPaymentFailed, manifest),
        ReleaseQueued => Read(bytes, Json.OrderReleaseQueued, manifest),
        Answered => Read(bytes, Json.CheckoutAnswered, manifest),
        SnapshotManifest => Decompressed(bytes),
        _ => throw new SerializationException($"The order journal holds an entry of unknown kind '{manifest}' (written by a newer version?)."),
    };

    /// <summary>A snapshot: its JSON, compressed (a big book's answers and ids repeat a lot).</summary>
    private static byte[] Compressed(OrderBookSnapshot snapshot)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            JsonSerializer.Serialize(zip, snapshot, Json.OrderBookSnapshot);
        return buffer.ToArray();
    }

    private static OrderBookSnapshot Decompressed(byte[] bytes)
    {
        using var zip = new ZLibStream(new MemoryStream(bytes), CompressionMode.Decompress);
        return JsonSerializer.Deserialize(zip, Json.OrderBookSnapshot) ?? throw new SerializationException("The order journal holds an empty snapshot.");
    }

    private static T Read<T>(byte[] bytes, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string manifest) =>
        JsonSerializer.Deserialize(bytes, type) ?? throw new SerializationException($"The order journal holds an empty '{manifest}' entry.");
}

/// <summary>The order journal's JSON shapes, generated at build time.</summary>
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(OrderPaid))]
[JsonSerializable(typeof(OrderChargeQueued))]
[JsonSerializable(typeof(OrderPaymentFailed))]
[JsonSerializable(typeof(OrderReleaseQueued))]
[JsonSerializable(typeof(CheckoutAnswered))]
[JsonSerializable(typeof(OrderBookSnapshot))]
internal sealed partial class OrderJournalJson : JsonSerializerContext;
