using Akka.Actor;
using Orchestrator.Contracts;
using Orchestrator.Clustering.Dashboard;

namespace Orchestrator.Tests.Cluster;

/// <summary>
/// Three ActorSystems on 127.0.0.1: each runs <c>/user/dashboard</c>, whose summaries cross the nodes over real
/// remoting (Akka's default serializer), so that any node's dashboard shows every node.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DashboardSharingTests
{
    [Fact]
    public async Task Every_node_shows_every_node_breaker_and_forgets_a_node_that_left()
    {
        await using var cluster = await TestCluster.StartAsync(3, new ClusterBreakerOptions { Policy = ClusterPolicy.AnyOpen });
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        var dashboards = cluster.Nodes.Select(n => n.System.ActorOf(DashboardActor.Props(new CallWindow(TimeProvider.System), TimeProvider.System),
            DashboardActor.Name)).ToList();

        var view = await Eventually.Until(() => dashboards[1].Ask<ClusterDashboard>(GetDashboard.Instance, TimeSpan.FromSeconds(5)),
            v => v.Nodes.Count == 3 && v.Nodes.All(n => n.Summary is not null), "B's dashboard has a summary of every node");
        Assert.Equal(b.Address, view.Self);
        Assert.Single(view.Nodes, n => n.IsSelf && n.Address == b.Address);
        Assert.All(view.Nodes, n => Assert.Equal("Closed", n.Summary!.Dependencies.Single(d => d.Name == ClusterNode.Dependency).Breaker));

        cluster.DependencyDown = true;
        await TestCluster.OpenBreakerOnAsync(a);
        view = await Eventually.Until(() => dashboards[2].Ask<ClusterDashboard>(GetDashboard.Instance, TimeSpan.FromSeconds(5)),
            v => v.Nodes.All(n => n.Summary?.Dependencies.Single().Breaker is "Open"), "C's dashboard shows the breaker open on every node");
        Assert.True(view.Nodes.Single(n => n.Address == b.Address).Summary!.Dependencies.Single().FollowsCluster);
        Assert.All(view.Nodes, n => Assert.True(n.Reachable));

        await a.LeaveAsync();
        view = await Eventually.Until(() => dashboards[1].Ask<ClusterDashboard>(GetDashboard.Instance, TimeSpan.FromSeconds(5)),
            v => v.Nodes.Count == 2, "B's dashboard forgets A once it has left");
        Assert.DoesNotContain(view.Nodes, n => n.Address == a.Address);
        Assert.Contains(view.Nodes, n => n.Address == c.Address && n.Summary is not null);
    }
}
