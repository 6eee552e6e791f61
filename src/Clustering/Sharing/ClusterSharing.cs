using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.DistributedData;
using Orchestrator.Actors.Root;
using Orchestrator.Contracts;

namespace Orchestrator.Clustering;

/// <summary>What the orchestrator needs from Akka.Cluster and Akka.DistributedData.</summary>
internal static class ClusterSharing
{
    /// <summary>
    /// Has the orchestrator's <paramref name="guardian"/> adopt the cluster-state actor (<c>/user/orchestrator/cluster-state</c>)
    /// for <paramref name="options"/>' dependencies, sharing as <paramref name="sharing"/> says, and answers it; the
    /// guardian re-creates it after a restart of its own. The actor system must be clustered.
    /// </summary>
    internal static Task<IActorRef> StartAsync(IActorRef guardian, OrchestratorOptions options, ClusterSharingOptions sharing, TimeSpan limit) =>
        guardian.Ask<IActorRef>(new AdoptChild(ClusterStateActor.Name, typeof(ClusterStateActor),
            children => ClusterStateActor.Props(options, sharing, children.Dependencies, children.Coordinator)), limit);

    /// <summary>Whether <paramref name="system"/> runs the cluster actor-ref provider.</summary>
    public static bool IsClustered(ActorSystem system) =>
        system is ExtendedActorSystem extended && extended.Provider is IClusterActorRefProvider;

    /// <summary>
    /// The configuration the orchestrator adds below everything the host sets: Akka.DistributedData's defaults (its
    /// serializers must be known on every node before the first gossip arrives, or that node fails to read it) and
    /// faster gossip and subscriber notification than Akka's defaults, from <paramref name="options"/>. An explicit
    /// <c>akka.cluster.distributed-data</c> setting of the host wins.
    /// </summary>
    public static Config DefaultConfig(ClusterSharingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ours = ConfigurationFactory.ParseString($$"""
            akka.cluster.distributed-data {
              gossip-interval = {{(long)options.GossipInterval.TotalMilliseconds}}ms
              notify-subscribers-interval = {{(long)options.NotifyInterval.TotalMilliseconds}}ms
              # The maps are small: whole-state writes and gossip. With delta propagation, replication between the
              # remaining nodes stalled for seconds after a member left (seen here with Akka.DistributedData 1.5.73).
              delta-crdt.enabled = off
            }
            """);
        return ours.WithFallback(DistributedData.DefaultConfig());
    }
}
