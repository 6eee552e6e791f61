using System.Diagnostics;
using Orchestrator.Contracts;

namespace Orchestrator.Bench.Cluster;

/// <summary>The entry point: parses the arguments, runs the benchmarks, writes docs/benchmarks/cluster.json and cluster.md.</summary>
public static class ClusterBenchmarks
{
    /// <summary>Runs; exit code 0, 2 for bad arguments, 1 for a failed run.</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        var arguments = RunnerArguments.Parse(args, out var error);
        if (arguments is null)
        {
            Console.Error.WriteLine($"error: {error}");
            Console.Error.WriteLine(RunnerArguments.Usage);
            return 2;
        }
        var root = FindRepositoryRoot();
        var output = Path.Combine(root, "docs", "benchmarks");
        var clock = Stopwatch.StartNew();
        PropagationResult? propagation = null;
        ProcessPropagationResult? processes = null;
        var wasted = new List<WastedResult>();
        try
        {
            if (arguments.Processes)
                processes = await ProcessPropagationBenchmark.RunAsync(Path.GetFullPath(arguments.Node, root), arguments.Starts, arguments.WarmPerStart, Console.Out);
            if (arguments.Propagation)
                propagation = await PropagationBenchmark.RunAsync(arguments.Trials, Console.Out);
            if (arguments.Wasted)
            {
                // Even: every node sends the same steady traffic. Uneven: one busy node, two quiet ones, where a
                // quiet node takes long to see FailureThreshold failures of its own.
                var traffics = new (string Name, int[] Rates)[]
                {
                    ("even", [arguments.RatePerNode, arguments.RatePerNode, arguments.RatePerNode]),
                    ("uneven", [arguments.RatePerNode, arguments.UnevenRate, arguments.UnevenRate]),
                };
                foreach (var (name, rates) in traffics)
                    foreach (var policy in new[] { ClusterPolicy.LocalOnly, ClusterPolicy.Quorum, ClusterPolicy.AnyOpen })
                        wasted.Add(await WastedCallsBenchmark.RunAsync(name, policy, arguments.Outage, rates, Console.Out));
            }
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: the run failed: {e}");
            return 1;
        }
        var report = ClusterReport.Write(output, arguments, propagation, wasted, clock.Elapsed, processes);
        Console.WriteLine(report);
        Console.WriteLine($"wrote {Path.Combine(output, "cluster.json")} and {Path.Combine(output, "cluster.md")} ({clock.Elapsed.TotalSeconds:0} s)");
        return 0;
    }

    private static string FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
