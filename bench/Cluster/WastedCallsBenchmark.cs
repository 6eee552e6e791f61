using System.Diagnostics;
using Orchestrator.Contracts;

namespace Orchestrator.Bench.Cluster;

/// <summary>One policy's outcome in the wasted-calls benchmark.</summary>
/// <param name="Traffic">The traffic's name: "even" (the same rate on every node) or "uneven".</param>
/// <param name="Policy">The cluster policy of every node.</param>
/// <param name="OutageSeconds">How long the dependency was down (measured).</param>
/// <param name="RatePerNode">Calls per second sent through each node, in node order.</param>
/// <param name="Sent">Calls sent during the outage, all nodes.</param>
/// <param name="Reached">Calls that reached the dead dependency, all nodes.</param>
/// <param name="ReachedPerNode">Calls that reached the dead dependency, per node.</param>
/// <param name="ReachedFirstSecond">Calls that reached it in the first second of the outage (the opening), all nodes.</param>
/// <param name="OwnOpenings">Breakers that opened on their own node's evidence during the outage (half-open probes that failed and reopened included).</param>
/// <param name="Followings">Transitions into following the cluster during the outage.</param>
public sealed record WastedResult(
    string Traffic,
    string Policy,
    double OutageSeconds,
    int[] RatePerNode,
    long Sent,
    long Reached,
    long[] ReachedPerNode,
    long ReachedFirstSecond,
    int OwnOpenings,
    int Followings);

/// <summary>
/// Calls that reach a dead dependency across three nodes during a fixed outage, under each cluster policy. Each
/// policy gets a fresh cluster; every node sends a steady stream of calls (phases staggered by a third of the
/// interval), healthy for a warm-up, then the dependency fails every call (at once) for the outage window.
/// </summary>
public static class WastedCallsBenchmark
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1.5);

    /// <summary>Runs the benchmark for <paramref name="policy"/>.</summary>
    public static async Task<WastedResult> RunAsync(string traffic, ClusterPolicy policy, TimeSpan outage, int[] ratePerNode, TextWriter progress)
    {
        await using var cluster = await BenchCluster.StartAsync(3, policy);
        progress.WriteLine($"wasted: {traffic} traffic, {policy}: cluster up; {WarmUp.TotalSeconds} s healthy, then {outage.TotalSeconds} s down at {string.Join(" / ", ratePerNode)} calls/s");
        using var stop = new CancellationTokenSource();
        var sent = new long[cluster.Nodes.Count];
        var senders = cluster.Nodes.Select(node => Task.Run(() => SendAsync(node, TimeSpan.FromSeconds(1.0 / ratePerNode[node.Index]),
            TimeSpan.FromSeconds(1.0 / ratePerNode[node.Index]) * node.Index / cluster.Nodes.Count,
            () => Interlocked.Increment(ref sent[node.Index]), stop.Token))).ToArray();

        await Task.Delay(WarmUp);
        var reachedBefore = cluster.Nodes.Select(n => n.ReachedWhileDown).ToArray(); // 0: healthy so far
        var sentBefore = Enumerable.Range(0, sent.Length).Select(i => Interlocked.Read(ref sent[i])).ToArray();
        cluster.Transitions.Clear();
        cluster.Dependency.Down = true;
        var outageStart = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var firstSecond = cluster.Nodes.Sum(n => n.ReachedWhileDown) - reachedBefore.Sum();
        await Task.Delay(outage - TimeSpan.FromSeconds(1));
        cluster.Dependency.Down = false;
        var outageEnd = Stopwatch.GetTimestamp();
        var transitions = cluster.Transitions.Snapshot();
        var reached = cluster.Nodes.Select((n, i) => n.ReachedWhileDown - reachedBefore[i]).ToArray();
        var sentDuring = Enumerable.Range(0, sent.Length).Sum(i => Interlocked.Read(ref sent[i]) - sentBefore[i]);
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        return new WastedResult(traffic, policy.ToString(), Math.Round((outageEnd - outageStart) / (double)Stopwatch.Frequency, 2), ratePerNode, sentDuring, reached.Sum(), reached, firstSecond,
            transitions.Count(t => t.State == BreakerState.Open && !t.FollowsCluster),
            transitions.Count(t => t.State == BreakerState.Open && t.FollowsCluster));
    }

    /// <summary>Sends one call every <paramref name="interval"/> (on a fixed schedule, not after the previous answer) until cancelled.</summary>
    private static async Task SendAsync(BenchNode node, TimeSpan interval, TimeSpan phase, Action onSent, CancellationToken stop)
    {
        var pending = new List<Task>();
        var begin = Stopwatch.GetTimestamp() + (long)(phase.TotalSeconds * Stopwatch.Frequency);
        var step = (long)(interval.TotalSeconds * Stopwatch.Frequency);
        for (long k = 0; !stop.IsCancellationRequested; k++)
        {
            var due = begin + k * step;
            var wait = (due - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
            if (wait > 1)
            {
                try { await Task.Delay(TimeSpan.FromMilliseconds(wait), stop); }
                catch (OperationCanceledException) { break; }
            }
            onSent();
            pending.Add(node.CallAsync());
            if (pending.Count > 200) pending.RemoveAll(p => p.IsCompleted);
        }
        try { await Task.WhenAll(pending); }
        catch (Exception) { /* an ask that timed out at shutdown: not counted */ }
    }
}
