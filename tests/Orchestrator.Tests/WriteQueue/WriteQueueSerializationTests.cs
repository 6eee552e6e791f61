using Akka.Serialization;
using Orchestrator.WriteQueue;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.WriteQueue;

/// <summary>Every journal event and the snapshot survive the actor system's serializer, as they must to be read back from the database.</summary>
public sealed class WriteQueueSerializationTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.FromHours(1));
    private static readonly QueuedWrite Write = new("w-1", 7, "payments", "user-1", "o-1", "{\"amount\":1.5}", T0, 2, "timed out");

    private T RoundTrip<T>(T value) where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(value);
        var bytes = serializer.ToBinary(value);
        var manifest = Serialization.ManifestFor(serializer, value);
        return Assert.IsType<T>(Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest));
    }

    [Fact]
    public void Every_event_round_trips()
    {
        Assert.Equal(new WriteQueued(Write), RoundTrip(new WriteQueued(Write)));
        Assert.Equal(new WriteDelivered("w-1", T0), RoundTrip(new WriteDelivered("w-1", T0)));
        Assert.Equal(new WriteAttemptFailed("w-1", "down"), RoundTrip(new WriteAttemptFailed("w-1", "down")));
        Assert.Equal(new WritePoisoned("w-1", "down", T0), RoundTrip(new WritePoisoned("w-1", "down", T0)));
        Assert.Equal(new WriteRedriven("w-1", 9), RoundTrip(new WriteRedriven("w-1", 9)));
        Assert.Equal(new WriteDropped("w-1"), RoundTrip(new WriteDropped("w-1")));
    }

    [Fact]
    public void The_snapshot_of_a_real_state_round_trips()
    {
        var state = new WriteQueueState();
        state.Apply(new WriteQueued(Write));
        state.Apply(new WriteQueued(Write with { Id = "w-2", Sequence = 8 }));
        state.Apply(new WritePoisoned("w-2", "bad", T0));

        var snapshot = RoundTrip(state.ToSnapshot());

        Assert.Equal([Write], snapshot.Pending);
        var poisoned = Assert.Single(snapshot.Poisoned);
        Assert.Equal(new PoisonedWrite(Write with { Id = "w-2", Sequence = 8, Attempts = 3, LastError = "bad" }, T0), poisoned);
        Assert.Equal(8, snapshot.LastSequence);
    }
}
