using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Cluster;
using Orchestrator.Actors.Telemetry;

namespace Orchestrator.Clustering;

/// <summary>
/// <c>orchestrator.cluster.members</c> on the <c>Orchestrator</c> meter: the members each clustered orchestrator's
/// node sees, by status. Every status is reported (0 when none) so that a series never disappears. The callback
/// reads Akka.Cluster's current state (an immutable snapshot): no lock, no message.
/// </summary>
internal static class ClusterGauges
{
    private static readonly MemberStatus[] Statuses = Enum.GetValues<MemberStatus>();
    private static readonly string[] StatusNames = Statuses.Select(s => s.ToString().ToLowerInvariant()).ToArray();
    private static ImmutableList<Akka.Cluster.Cluster> _clusters = [];

    static ClusterGauges() =>
        OrchestratorMetrics.Instance.CreateObservableUpDownCounter("orchestrator.cluster.members", ObserveMembers, "{member}",
            "Cluster members as this node sees them, by status (only when the actor system is clustered).");

    /// <summary>Reports the cluster of <paramref name="system"/> until the actor system terminates (once per system).</summary>
    public static void Track(ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        if (Volatile.Read(ref _clusters).Contains(cluster)) return;
        ImmutableInterlocked.Update(ref _clusters, list => list.Contains(cluster) ? list : list.Add(cluster));
        system.RegisterOnTermination(() => ImmutableInterlocked.Update(ref _clusters, list => list.Remove(cluster)));
    }

    private static IEnumerable<Measurement<int>> ObserveMembers()
    {
        foreach (var cluster in Volatile.Read(ref _clusters))
        {
            if (cluster.System.WhenTerminated.IsCompleted) continue;
            var counts = new int[Statuses.Length];
            foreach (var member in cluster.State.Members) counts[Array.IndexOf(Statuses, member.Status)]++;
            for (var i = 0; i < Statuses.Length; i++)
                yield return new Measurement<int>(counts[i], new TagList { { "status", StatusNames[i] } });
        }
    }
}
