using System.Diagnostics;
using Orchestrator.Contracts;

namespace Orchestrator.Bench.Cluster;

/// <summary>The outcome of the propagation benchmark.</summary>
/// <param name="Trials">Trials that completed (every node's breaker opened).</param>
/// <param name="Failed">Trials in which a node did not follow within the timeout.</param>
/// <param name="AllNodesMs">Per trial: from the opening on the origin node to the last of the other two following it.</param>
/// <param name="EachFollowerMs">Per trial and follower: from the opening on the origin node to that follower's breaker opening.</param>
/// <param name="ResetMs">Per trial: from the hand reset on the origin node to every breaker closed (polled every 10 ms, so coarser).</param>
public sealed record PropagationResult(int Trials, int Failed, List<double> AllNodesMs, List<double> EachFollowerMs, List<double> ResetMs);

/// <summary>
/// How long a breaker opened on one node takes to open the breakers of the two others (policy AnyOpen). Each trial:
/// the dependency goes down, three calls through the origin node (rotating over the nodes) open its breaker, and
/// the listeners on every node's event stream timestamp the transitions; then the dependency comes back, the
/// origin's breaker is reset by hand (the others close on that news), and the next trial waits until all are closed.
/// </summary>
public static class PropagationBenchmark
{
    private static readonly TimeSpan FollowTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="trials"/> trials on a fresh three-node cluster.</summary>
    public static async Task<PropagationResult> RunAsync(int trials, TextWriter progress)
    {
        await using var cluster = await BenchCluster.StartAsync(3, ClusterPolicy.AnyOpen);
        progress.WriteLine($"propagation: cluster of {cluster.Nodes.Count} up; {trials} trials");
        var all = new List<double>();
        var each = new List<double>();
        var resets = new List<double>();
        var failed = 0;
        // Warm-up (not counted): the first transition and write of every node jit the paths.
        for (var w = 0; w < 3; w++) await TrialAsync(cluster, w % 3, warmUp: true);
        for (var t = 0; t < trials; t++)
        {
            var result = await TrialAsync(cluster, t % 3, warmUp: false);
            if (result is null)
            {
                failed++;
                continue;
            }
            all.Add(result.Value.Followers.Max());
            each.AddRange(result.Value.Followers);
            if (result.Value.ResetMs is { } r) resets.Add(r);
            if ((t + 1) % 20 == 0) progress.WriteLine($"propagation: {t + 1}/{trials} trials");
        }
        return new PropagationResult(all.Count, failed, all, each, resets);
    }

    private static async Task<(double[] Followers, double? ResetMs)?> TrialAsync(BenchCluster cluster, int origin, bool warmUp)
    {
        var source = cluster.Nodes[origin];
        var followers = cluster.Nodes.Where(n => n.Index != origin).Select(n => n.Index).ToArray();
        cluster.Transitions.Clear();
        cluster.Dependency.Down = true;
        for (var i = 0; i < 20; i++)
        {
            await source.CallAsync();
            if (cluster.Transitions.Snapshot().Any(x => x.Node == origin && x.State == BreakerState.Open && !x.FollowsCluster)) break;
        }
        var complete = await cluster.Transitions.WaitUntilAsync(
            items => items.Any(x => x.Node == origin && x.State == BreakerState.Open && !x.FollowsCluster) &&
                     followers.All(f => items.Any(x => x.Node == f && x.State == BreakerState.Open)),
            FollowTimeout);
        var items = cluster.Transitions.Snapshot();
        (double[], double?)? outcome = null;
        if (complete)
        {
            var opened = items.First(x => x.Node == origin && x.State == BreakerState.Open && !x.FollowsCluster).Timestamp;
            outcome = (followers.Select(f => Ms(opened, items.First(x => x.Node == f && x.State == BreakerState.Open).Timestamp)).ToArray(), null);
        }

        // Back to healthy: reset the origin by hand; the others close when they hear of it.
        cluster.Dependency.Down = false;
        var resetAt = Stopwatch.GetTimestamp();
        await source.ResetAsync();
        double? resetMs = null;
        if (await cluster.WaitAllClosedAsync(TimeSpan.FromSeconds(3))) resetMs = Ms(resetAt, Stopwatch.GetTimestamp());
        else
        {
            foreach (var node in cluster.Nodes) await node.ResetAsync();
            if (!await cluster.WaitAllClosedAsync(TimeSpan.FromSeconds(5)))
                throw new InvalidOperationException("The breakers did not all close after a reset by hand on every node.");
        }
        // Let the closed states reach every node's replicated map before the next trial.
        await Task.Delay(250);
        if (warmUp || outcome is null) return outcome;
        return (outcome.Value.Item1, resetMs);
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
