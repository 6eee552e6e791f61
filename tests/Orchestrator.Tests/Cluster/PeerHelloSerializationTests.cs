using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Serialization;
using Orchestrator.Actors.Cluster;
using Orchestrator.Clustering;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Cluster;

/// <summary>
/// The greetings between cluster-state actors cross the wire: they survive the actor system's serializer, as the
/// breaker entries do; so does the replicated map the cluster-state actor rehearses at start (with the orchestrator's
/// Akka.DistributedData configuration, as on a node).
/// </summary>
public sealed class PeerHelloSerializationTests() : Akka.TestKit.Xunit2.TestKit(ClusterSharing.DefaultConfig(new ClusterSharingOptions()))
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

    [Fact]
    public void A_replicated_map_holding_an_entry_round_trips_with_the_replicators_serializer()
    {
        var node = new UniqueAddress(new Address("akka.tcp", "orchestrator", "127.0.0.1", 4053), 42);
        var map = LWWDictionary<string, NodeBreakerEntry>.Empty.SetItem(node, Sample.Key, Sample);

        Assert.IsNotType<NewtonSoftJsonSerializer>(Sys.Serialization.FindSerializerFor(map));
        var back = RoundTrip(map);

        Assert.Equal(Sample, back[Sample.Key]);
    }
}
