using System.Diagnostics;

namespace Orchestrator.Bench.Cluster;

/// <summary>The outcome of the real-process propagation benchmark.</summary>
/// <param name="Starts">Fresh three-node clusters started (each gives one cold trial).</param>
/// <param name="FailedTrials">Trials (cold or warm) in which a follower did not open within the timeout.</param>
/// <param name="ColdEachFollowerMs">The first transition after all three members are Up: from the isolation on the origin to each follower opening.</param>
/// <param name="ColdAllNodesMs">The same, to the later of the two followers.</param>
/// <param name="WarmEachFollowerMs">Later transitions on the same clusters: to each follower.</param>
/// <param name="WarmAllNodesMs">Later transitions: to the later follower.</param>
/// <param name="UpToIsolateMs">Per start: from the benchmark seeing all three members Up on every node to its isolate request returning.</param>
public sealed record ProcessPropagationResult(
    int Starts,
    int FailedTrials,
    List<double> ColdEachFollowerMs,
    List<double> ColdAllNodesMs,
    List<double> WarmEachFollowerMs,
    List<double> WarmAllNodesMs,
    List<double> UpToIsolateMs);

/// <summary>
/// Breaker propagation between three real node processes (src/Orchestrator, Release), on a dependency whose policy
/// is AnyOpen (<c>recommendations</c> in appsettings.json). For each of <c>starts</c> fresh clusters: start the three
/// nodes, wait until every node's <c>GET /api/status</c> shows three members Up and every node is ready (it
/// serves operator commands only then), isolate the dependency on one node
/// at once (<c>POST /api/dependencies/recommendations/isolate</c>) — the cold trial — then reset it, and run the warm
/// trials the same way, rotating the origin. Times come from the nodes' own log lines (Serilog timestamps of one
/// machine clock): from "isolated" on the origin to "opened by the cluster ... opened on {origin}" on each follower.
/// Both lines pass through their node's Akka logger actor before Serilog stamps them, alike on both sides.
/// </summary>
public static class ProcessPropagationBenchmark
{
    /// <summary>The dependency the trials isolate: its cluster policy is AnyOpen in the node's appsettings.json.</summary>
    public const string Dependency = "recommendations";

    private static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan FollowTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="starts"/> fresh clusters of <paramref name="dll"/>, each with one cold and <paramref name="warmPerStart"/> warm trials.</summary>
    public static async Task<ProcessPropagationResult> RunAsync(string dll, int starts, int warmPerStart, TextWriter progress)
    {
        if (!File.Exists(dll))
            throw new FileNotFoundException($"The node is not built: {dll} (dotnet build src/Orchestrator -c Release)", dll);
        var cold = new List<double>();
        var coldAll = new List<double>();
        var warm = new List<double>();
        var warmAll = new List<double>();
        var upToIsolate = new List<double>();
        var failed = 0;
        for (var s = 0; s < starts; s++)
        {
            var data = Path.Combine(Path.GetTempPath(), $"orchestrator-bench-{Guid.NewGuid():N}");
            var nodes = new List<NodeProcess>();
            try
            {
                var ports = NodeProcess.FreePorts(6);
                int[] seeds = [ports[3], ports[4]];
                for (var i = 0; i < 3; i++)
                    nodes.Add(NodeProcess.Start(dll, i, ports[i], ports[3 + i], seeds, Path.Combine(data, $"node-{i}")));
                var starting = Stopwatch.StartNew();
                await WaitAllUpAsync(nodes);
                var up = Stopwatch.GetTimestamp();
                progress.WriteLine($"processes: start {s + 1}/{starts}: three members Up on every node after {starting.Elapsed.TotalSeconds:0.0} s");

                var origin = s % 3;
                var first = await TrialAsync(nodes, origin, onIsolated: () => upToIsolate.Add(Stopwatch.GetElapsedTime(up).TotalMilliseconds), progress);
                if (first is null) failed++;
                else
                {
                    cold.AddRange(first);
                    coldAll.Add(first.Max());
                    progress.WriteLine($"processes: start {s + 1}: cold {string.Join(" / ", first.Select(v => $"{v:0.0} ms"))}");
                }
                for (var w = 0; w < warmPerStart; w++)
                {
                    var result = await TrialAsync(nodes, (origin + 1 + w) % 3, onIsolated: null, progress);
                    if (result is null)
                    {
                        failed++;
                        continue;
                    }
                    warm.AddRange(result);
                    warmAll.Add(result.Max());
                }
            }
            finally
            {
                foreach (var node in nodes) node.Dispose();
                if (Environment.GetEnvironmentVariable("BENCH_KEEP_LOGS") == "1") progress.WriteLine($"processes: logs kept in {data}");
                else DeleteQuietly(data);
            }
        }
        return new ProcessPropagationResult(starts, failed, cold, coldAll, warm, warmAll, upToIsolate);
    }

    private static async Task WaitAllUpAsync(List<NodeProcess> nodes)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (nodes.FirstOrDefault(n => n.HasExited) is { } dead)
                throw new InvalidOperationException($"node {dead.Index} exited while starting:\n{dead.Tail()}");
            var counts = await Task.WhenAll(nodes.Select(n => n.MembersUpAsync()));
            if (counts.All(c => c == nodes.Count) && (await Task.WhenAll(nodes.Select(n => n.ReadyAsync()))).All(r => r)) return;
            if (deadline.Elapsed > UpTimeout)
                throw new TimeoutException($"the nodes see {string.Join(" / ", counts)} members Up after {UpTimeout.TotalSeconds} s; last output of node 0:\n{nodes[0].Tail()}");
            await Task.Delay(50);
        }
    }

    /// <summary>One trial: isolate on <paramref name="origin"/>, time the followers from the logs, reset, wait until all closed. Null when a follower did not open.</summary>
    private static async Task<double[]?> TrialAsync(List<NodeProcess> nodes, int origin, Action? onIsolated, TextWriter progress)
    {
        var marks = nodes.Select(n => n.Lines().Count).ToArray();
        var followers = nodes.Where(n => n.Index != origin).ToList();
        await nodes[origin].CommandAsync(Dependency, "isolate");
        onIsolated?.Invoke();
        double[]? outcome = null;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < FollowTimeout)
        {
            var isolated = Since(nodes[origin], marks).FirstOrDefault(l => l.Kind == BreakerLogKind.Isolated);
            // Only an opening on the origin's news counts (not one on a stale entry of another node).
            var opened = followers.Select(f => Since(f, marks).FirstOrDefault(l =>
                l.Kind == BreakerLogKind.OpenedByCluster && Names(l.Detail, nodes[origin].Address))).ToList();
            if (isolated is not null && opened.All(o => o is not null))
            {
                outcome = [.. opened.Select(o => (o!.Timestamp - isolated.Timestamp).TotalMilliseconds)];
                break;
            }
            await Task.Delay(5);
        }

        // Back: reset the origin by hand; the followers close when they hear of it. A follower that took over probing
        // may publish its own opening after the origin's recovery and keep (or make) the breakers open for its open
        // period: then every node is reset by hand. The next trial starts once all three stayed closed for a second.
        await nodes[origin].CommandAsync(Dependency, "reset");
        var resets = 0;
        while (!await AllClosedAsync(nodes, TimeSpan.FromSeconds(3)) || !await StaysClosedAsync(nodes, TimeSpan.FromSeconds(1)))
        {
            if (++resets > 5) throw new InvalidOperationException("The breakers did not stay closed after five resets by hand on every node.");
            progress.WriteLine("processes: the breakers did not all close (and stay closed) after the reset on the origin; resetting every node");
            foreach (var node in nodes) await node.CommandAsync(Dependency, "reset");
        }
        return outcome;
    }

    /// <summary>Whether <paramref name="text"/> names <paramref name="address"/> (not merely a longer port that starts the same).</summary>
    private static bool Names(string text, string address)
    {
        for (var at = text.IndexOf(address, StringComparison.Ordinal); at >= 0; at = text.IndexOf(address, at + 1, StringComparison.Ordinal))
        {
            var end = at + address.Length;
            if (end == text.Length || !char.IsAsciiDigit(text[end])) return true;
        }
        return false;
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind: harmless.
        }
    }

    private static IEnumerable<NodeLogLine> Since(NodeProcess node, int[] marks) =>
        node.Lines().Skip(marks[node.Index]).Where(l => l.Dependency == Dependency);

    private static async Task<bool> StaysClosedAsync(List<NodeProcess> nodes, TimeSpan period)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < period)
        {
            var states = await Task.WhenAll(nodes.Select(n => n.BreakerStateAsync(Dependency)));
            if (!states.All(s => s == "Closed")) return false;
            await Task.Delay(50);
        }
        return true;
    }

    private static async Task<bool> AllClosedAsync(List<NodeProcess> nodes, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var states = await Task.WhenAll(nodes.Select(n => n.BreakerStateAsync(Dependency)));
            if (states.All(s => s == "Closed")) return true;
            await Task.Delay(20);
        }
        return false;
    }
}
