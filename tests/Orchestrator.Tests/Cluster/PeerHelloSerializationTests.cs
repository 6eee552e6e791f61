using Akka.Serialization;
using Orchestrator.Actors.Cluster;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Cluster;

/// <summary>The greetings between cluster-state actors cross the wire: they survive the actor system's serializer, as the breaker entries do.</summary>
public sealed class PeerHelloSerializationTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly NodeBreakerEntry Sample = new("", "akka.tcp://orchestrator@127.0.0.1:4053", 42, BreakerState.Closed, false, 0);

    private T RoundTrip<T>(T value) where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(value);
        var bytes = serializer.ToBinary(value);
        var manifest = Serialization.ManifestFor(serializer, value);
        return Assert.IsType<T>(Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest));
    }

    [Fact]
    public void The_hello_and_its_answer_round_trip_with_their_sample_entry()
    {
        var hello = new PeerHello("akka.tcp://orchestrator@127.0.0.1:4053", 42, Sample);
        var ack = new PeerHelloAck("akka.tcp://orchestrator@127.0.0.1:4054", -7, Sample with { Node = "akka.tcp://orchestrator@127.0.0.1:4054", Uid = -7 });

        Assert.Equal(hello, RoundTrip(hello));
        Assert.Equal(ack, RoundTrip(ack));
        Assert.Equal(Sample, RoundTrip(Sample));
    }
}
