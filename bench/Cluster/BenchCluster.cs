using Akka.Cluster;
using Orchestrator.Contracts;

namespace Orchestrator.Bench.Cluster;

/// <summary>Three (or more) <see cref="BenchNode"/>s in one process, sharing one simulated dependency.</summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private readonly List<BenchNode> _nodes = [];

    private BenchCluster(ClusterPolicy policy) => Policy = policy;

    /// <summary>The cluster policy every node's dependency follows.</summary>
    public ClusterPolicy Policy { get; }

    /// <summary>The dependency every node calls.</summary>
    public SharedDependency Dependency { get; } = new();

    /// <summary>Every node's breaker transitions.</summary>
    public TransitionLog Transitions { get; } = new();

    /// <summary>The nodes, in order.</summary>
    public IReadOnlyList<BenchNode> Nodes => _nodes;

    /// <summary>Starts <paramref name="count"/> nodes under <paramref name="policy"/>, joins them through the first and waits until every node sees every node Up.</summary>
    public static async Task<BenchCluster> StartAsync(int count, ClusterPolicy policy)
    {
        var cluster = new BenchCluster(policy);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var node = await BenchNode.StartAsync(i, policy, cluster.Dependency, cluster.Transitions);
                cluster._nodes.Add(node);
                node.Join(cluster._nodes[0]);
            }
            await cluster.WaitForMembersAsync(TimeSpan.FromSeconds(30));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task WaitForMembersAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var node in _nodes)
        {
            while (true)
            {
                var up = Akka.Cluster.Cluster.Get(node.System).State.Members.Count(m => m.Status == MemberStatus.Up);
                var known = (await node.ClusterStatusAsync()).Members.Count(m => m.Status == "Up" && m.Reachable);
                if (up == _nodes.Count && known == _nodes.Count) break;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"Node {node.Index} sees {up} members Up (its cluster-state actor {known}) after {timeout.TotalSeconds} s; expected {_nodes.Count}.");
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Waits until every node's breaker is closed, checking every 10 ms; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitAllClosedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var states = await Task.WhenAll(_nodes.Select(n => n.BreakerAsync()));
            if (states.All(s => s.State == BreakerState.Closed)) return true;
            await Task.Delay(10);
        }
        return false;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Leave first (quietly, at most a few seconds), so that no node logs its peers vanishing.
        try
        {
            await Task.WhenAll(_nodes.Select(n => Akka.Cluster.Cluster.Get(n.System).LeaveAsync())).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Terminating below ends them anyway.
        }
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask()));
    }
}
