using System.Text.Json;
using Orchestrator.Experiments;
using Orchestrator.Node.Experiments;

namespace Orchestrator.Node.Tests;

/// <summary>A node whose only seed does not exist: it never joins, so it never serves.</summary>
public sealed class UnjoinedNodeFixture : NodeFixture
{
    protected override string[] ExtraArgs => [$"--Cluster:SeedNodes:0=akka.tcp://orchestrator@127.0.0.1:{LocalCluster.FreePorts(1)[0]}"];

    /// <summary>Starts the node without waiting for it to become an Up member (it never does).</summary>
    public override Task InitializeAsync() => StartAsync(waitUntilUp: false);
}

/// <summary>Readiness and liveness: a node that is not an Up member is alive but does not serve.</summary>
public sealed class ReadinessTests(UnjoinedNodeFixture node) : IClassFixture<UnjoinedNodeFixture>
{
    [Fact]
    public async Task A_node_that_has_not_joined_is_live_but_not_ready_and_refuses_the_shop_and_the_operator_api_but_shows_its_status()
    {
        using (var live = await node.Http.GetAsync("/health/live"))
        using (var body = await NodeFixture.Read(live, 200))
            Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());

        using (var ready = await node.Http.GetAsync("/health/ready"))
        using (var body = await NodeFixture.Read(ready, 503))
        {
            Assert.Equal("NotReady", body.RootElement.GetProperty("status").GetString());
            var checks = body.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
            Assert.Equal("Unhealthy", checks["cluster"].GetProperty("status").GetString());
            Assert.Equal("this node has not joined the cluster (yet)", checks["cluster"].GetProperty("description").GetString());
            Assert.Equal("Healthy", checks["lifecycle"].GetProperty("status").GetString());
            Assert.Equal("Healthy", checks["actor-system"].GetProperty("status").GetString());
        }

        foreach (var request in new Func<Task<HttpResponseMessage>>[]
                 {
                     () => node.Http.GetAsync("/shop/home/alice"),
                     () => node.Http.GetAsync("/api/features"),
                     () => node.OperatorPostAsync("/api/dependencies/payments/isolate"),
                 })
        {
            using var refused = await request();
            Assert.True(refused.Headers.ConnectionClose);
            using var body = await NodeFixture.Read(refused, 503);
            Assert.Contains("This node does not serve now: this node has not joined the cluster (yet).", body.RootElement.GetProperty("error").GetString());
        }

        // The operator can still see why.
        using var status = await node.GetJsonAsync("/api/status");
        Assert.NotEqual("Up", status.RootElement.GetProperty("node").GetProperty("memberStatus").GetString());
    }
}
