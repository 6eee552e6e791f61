using Orchestrator.Clustering;
using Akka.Cluster;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Cluster;

/// <summary>Cluster tests run one at a time: each forms a cluster of real ActorSystems, and two cores are shared.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "cluster";
}

/// <summary>Several <see cref="ClusterNode"/>s in one process, sharing one simulated dependency.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly List<ClusterNode> _nodes = [];
    private volatile bool _down;

    /// <summary>Sets whether the shared dependency fails.</summary>
    public bool DependencyDown
    {
        get => _down;
        set => _down = value;
    }

    /// <summary>The nodes started so far, in order.</summary>
    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>Starts <paramref name="count"/> nodes with <paramref name="policy"/> and waits until all are Up; <paramref name="share"/> changes each node's sharing options.</summary>
    public static async Task<TestCluster> StartAsync(int count, ClusterBreakerOptions policy, Action<OrchestratorOptions>? configure = null,
        Action<ClusterSharingOptions>? share = null)
    {
        var cluster = new TestCluster();
        for (var i = 0; i < count; i++) await cluster.AddNodeAsync(policy, configure, share);
        return cluster;
    }

    /// <summary>Starts one more node, joins it through the first, and waits until every node sees every node Up.</summary>
    public async Task<ClusterNode> AddNodeAsync(ClusterBreakerOptions policy, Action<OrchestratorOptions>? configure = null,
        Action<ClusterSharingOptions>? share = null)
    {
        var node = await ClusterNode.StartAsync($"node{_nodes.Count}", policy, () => _down, configure: configure, share: share);
        _nodes.Add(node);
        node.Join(_nodes[0]);
        await WaitForMembersAsync();
        return node;
    }

    /// <summary>Waits until every running node sees every running node Up, and its cluster-state actor knows it.</summary>
    public async Task WaitForMembersAsync()
    {
        var running = _nodes.Where(n => !n.System.WhenTerminated.IsCompleted).ToList();
        foreach (var node in running)
        {
            await Eventually.Until(
                () => Task.FromResult(Akka.Cluster.Cluster.Get(node.System).State.Members.Count(m => m.Status == MemberStatus.Up)),
                up => up == running.Count, $"{node.Address} sees {running.Count} members Up");
            await Eventually.Until(async () => (await node.ClusterStatusAsync()).Members.Count(m => m.Status == "Up" && m.Reachable),
                up => up == running.Count, $"the cluster-state actor of {node.Address} knows {running.Count} members Up");
        }
    }

    /// <summary>Calls the dependency through <paramref name="node"/> until its own breaker opens.</summary>
    public static async Task OpenBreakerOnAsync(ClusterNode node)
    {
        for (var i = 0; i < 20; i++)
        {
            if ((await node.BreakerAsync()).State == BreakerState.Open) return;
            await node.CallAsync();
        }
        throw new InvalidOperationException($"The breaker of {node.Address} did not open after 20 failing calls.");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
    }
}
