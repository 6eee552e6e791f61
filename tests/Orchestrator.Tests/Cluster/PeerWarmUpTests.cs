using Akka.Actor;
using Orchestrator.Actors.Cluster;
using Orchestrator.Clustering;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Cluster;

/// <summary>
/// Every cluster-state actor greets each other member as it joins (<see cref="PeerHello"/>), so that the first
/// breaker news after start takes a path already resolved and warm. Behaviour only: how fast is measured by
/// bench/Cluster (<c>processes</c>), not here.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PeerWarmUpTests
{
    private static readonly ClusterBreakerOptions AnyOpen = new() { Policy = ClusterPolicy.AnyOpen };

    [Fact]
    public async Task A_new_member_and_the_others_resolve_each_other_before_any_breaker_news_and_its_first_news_reaches_them()
    {
        await using var cluster = await TestCluster.StartAsync(2, AnyOpen);
        var newcomer = await cluster.AddNodeAsync(AnyOpen);

        // Every node holds a warm link to every other's cluster-state actor (this incarnation), both ways...
        foreach (var node in cluster.Nodes) await WarmLinksAsync(node, cluster.Nodes);
        // ...while no breaker news has been published anywhere.
        foreach (var node in cluster.Nodes)
        {
            Assert.Empty((await node.ClusterStatusAsync()).Dependencies.Single().Nodes);
            Assert.Equal(BreakerState.Closed, (await node.BreakerAsync()).State);
        }

        // The newcomer's first news opens the others' breakers.
        cluster.DependencyDown = true;
        await TestCluster.OpenBreakerOnAsync(newcomer);
        foreach (var other in cluster.Nodes.Where(n => n != newcomer))
        {
            var breaker = await Eventually.Until(other.BreakerAsync, s => s.State == BreakerState.Open, $"{other.Address} follows the newcomer's first news");
            Assert.True(breaker.FollowsCluster);
            Assert.Equal(0, other.CallsReachingDependency);
        }
    }

    [Fact]
    public async Task A_removed_member_is_forgotten_and_its_new_incarnation_on_the_same_address_is_greeted_anew()
    {
        await using var cluster = await TestCluster.StartAsync(2, AnyOpen);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        var before = Assert.Single((await WarmLinksAsync(a, cluster.Nodes)).Links);
        var port = Akka.Cluster.Cluster.Get(b.System).SelfAddress.Port!.Value;

        await b.LeaveAsync();
        await Eventually.Until(() => LinksAsync(a), l => l.Links.Count == 0, "A forgets the link to B once B is removed");

        var down = false;
        await using var again = await ClusterNode.StartAsync("again", AnyOpen, () => Volatile.Read(ref down), port: port);
        again.Join(a);
        Assert.Equal(b.Address, again.Address);
        var after = Assert.Single((await WarmLinksAsync(a, [a, again])).Links);
        Assert.NotEqual(before.Uid, after.Uid);
        await WarmLinksAsync(again, [a, again]);

        // The new incarnation's first news reaches A.
        Volatile.Write(ref down, true);
        await TestCluster.OpenBreakerOnAsync(again);
        var breaker = await Eventually.Until(a.BreakerAsync, s => s.State == BreakerState.Open, "A follows the new incarnation's first news");
        Assert.True(breaker.FollowsCluster);
    }

    private static Task<PeerLinks> LinksAsync(ClusterNode node) => node.ClusterState.Ask<PeerLinks>(GetPeerLinks.Instance, TimeSpan.FromSeconds(5));

    /// <summary>Waits until <paramref name="node"/> holds a warm link to each of the other <paramref name="nodes"/>, and checks that each resolves to that node's cluster-state actor.</summary>
    private static async Task<PeerLinks> WarmLinksAsync(ClusterNode node, IReadOnlyList<ClusterNode> nodes)
    {
        var others = nodes.Where(o => o != node).ToList();
        var links = await Eventually.Until(() => LinksAsync(node),
            l => others.All(o => l.Links.Any(k => k.Node == o.Address && k.Uid == Uid(o) && k.State == PeerLinkState.Warm)),
            $"{node.Address} holds warm links to {string.Join(", ", others.Select(o => o.Address))}");
        foreach (var other in others)
        {
            var link = links.Links.Single(k => k.Node == other.Address && k.Uid == Uid(other));
            Assert.NotNull(link.Peer);
            Assert.Equal(other.Address, link.Peer.Path.Address.ToString());
            Assert.Equal(other.ClusterState.Path.ToStringWithoutAddress(), link.Peer.Path.ToStringWithoutAddress());
            Assert.True(link.Hellos >= 0);
        }
        return links;
    }

    private static long Uid(ClusterNode node) => Akka.Cluster.Cluster.Get(node.System).SelfUniqueAddress.Uid;
}
