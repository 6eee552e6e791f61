using System.Text.Json;
using Akka.Actor;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Cluster;

/// <summary>A fault injected for the whole cluster reaches every member's dependency actor, and is cleared everywhere.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterFaultTests
{
    private static readonly ClusterBreakerOptions LocalOnly = new() { Policy = ClusterPolicy.LocalOnly };
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_fault_for_the_cluster_acts_on_every_member_and_clearing_it_for_the_cluster_ends_it_everywhere()
    {
        await using var cluster = await TestCluster.StartAsync(3, LocalOnly, o => o.Chaos.Enabled = true);
        var chosen = JsonDocument.Parse("\"from the fault\"").RootElement.Clone();

        var injected = await cluster.Nodes[0].Dependencies.Ask<FaultCommandResult>(
            new InjectFault(ClusterNode.Dependency, new Fault(FaultKind.Result) { Result = chosen }, FaultScope.Cluster), Limit);
        Assert.True(injected.Accepted, injected.Error);
        Assert.Equal(3, injected.Nodes);
        foreach (var node in cluster.Nodes)
        {
            var status = await node.Dependencies.Ask<DependencyStatus>(new GetStatus(ClusterNode.Dependency), Limit);
            Assert.Equal(FaultKind.Result, status.Fault?.Fault.Kind);
            Assert.Equal("from the fault", (await node.CallAsync()).Value); // the JSON result crossed the wire as text
            Assert.Equal(0, node.CallsReachingDependency);
        }

        var cleared = await cluster.Nodes[1].Dependencies.Ask<FaultCommandResult>(new ClearFault(ClusterNode.Dependency, FaultScope.Cluster), Limit);
        Assert.True(cleared.Accepted, cleared.Error);
        Assert.Equal(3, cleared.Nodes);
        foreach (var node in cluster.Nodes)
        {
            Assert.Null((await node.Dependencies.Ask<DependencyStatus>(new GetStatus(ClusterNode.Dependency), Limit)).Fault);
            Assert.Equal("ok", (await node.CallAsync()).Value);
        }
    }

    [Fact]
    public async Task A_fault_for_the_cluster_on_a_node_where_injection_is_off_is_refused_there_and_says_so()
    {
        await using var cluster = await TestCluster.StartAsync(1, LocalOnly, o => o.Chaos.Enabled = true);
        await cluster.AddNodeAsync(LocalOnly); // injection off on this one
        var injected = await cluster.Nodes[0].Dependencies.Ask<FaultCommandResult>(
            new InjectFault(ClusterNode.Dependency, new Fault(FaultKind.Error), FaultScope.Cluster), Limit);
        Assert.False(injected.Accepted);
        Assert.Equal(1, injected.Nodes);
        Assert.Contains("Carried out on 1 of 2 members", injected.Error);
        Assert.Equal(FaultRefusal.NotEveryMember, injected.Refusal);
        Assert.Contains(cluster.Nodes[1].Address, injected.Error);
        Assert.Contains("Chaos:Enabled is false", injected.Error);
    }
}
