using System.Diagnostics;
using System.Globalization;

namespace Orchestrator.Bench.Micro.Throughput;

/// <summary>
/// The closed-loop throughput runner (<c>throughput</c> as the first argument): for each number of concurrent
/// callers and each way, starts the callers, lets them warm up, then counts the calls they complete and the
/// bytes the process allocates over the measured window, and stops them. It runs on the main thread and waits
/// with <see cref="Thread.Sleep(TimeSpan)"/>, never on the thread pool, so that its timing holds however busy the
/// callers keep the pool.
/// </summary>
public static class ThroughputRunner
{
    /// <summary>The first argument that selects this runner instead of BenchmarkDotNet.</summary>
    public const string Command = "throughput";

    /// <summary>The exit code for a bad command line.</summary>
    public const int BadArguments = 2;

    /// <summary>The exit code when a way failed (a wrong answer, a caller that did not stop).</summary>
    public const int Failed = 1;

    /// <summary>Parses <paramref name="args"/> (the words after <see cref="Command"/>), runs, reports; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (ThroughputArguments.AsksForHelp(args))
        {
            output.WriteLine(ThroughputArguments.Usage);
            return 0;
        }
        var (arguments, problem) = ThroughputArguments.Parse(args);
        if (arguments is null)
        {
            error.WriteLine(problem);
            error.WriteLine(ThroughputArguments.Usage);
            return BadArguments;
        }
        if (arguments.OutputDirectory is { } directory && CreateDirectory(directory) is { } cannot)
        {
            error.WriteLine($"Cannot create the output directory '{directory}': {cannot}");
            return BadArguments;
        }

        var machine = MachineInfo.Current();
        IReadOnlyList<ThroughputResult> results;
        InProcessOrchestrator orchestrator;
        try
        {
            orchestrator = InProcessOrchestrator.StartAsync().GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            error.WriteLine($"throughput: the orchestrator did not start: {e.Message}");
            return Failed;
        }
        try
        {
            results = MeasureAll(arguments, new CallTargets(orchestrator), output);
        }
        catch (Exception e)
        {
            error.WriteLine($"throughput: {e.Message}");
            return Failed;
        }
        finally
        {
            orchestrator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        output.WriteLine();
        output.Write(ThroughputReport.Table(results));
        output.WriteLine(ThroughputReport.Note);
        if (arguments.OutputDirectory is { } outputDirectory)
            foreach (var file in ThroughputReport.Write(outputDirectory, results, arguments, machine)) output.WriteLine($"wrote {file}");
        return 0;
    }

    /// <summary>
    /// Every way with every number of callers, in rounds: within a round every way runs once (in reverse order every
    /// other round), so that a way and Polly are measured close in time, and a machine that is busier for a while
    /// weighs on every way alike; each way's median over the rounds is kept.
    /// </summary>
    public static IReadOnlyList<ThroughputResult> MeasureAll(ThroughputArguments arguments, CallTargets targets, TextWriter progress)
    {
        var results = new List<ThroughputResult>();
        foreach (var callers in arguments.Callers)
        {
            var rounds = arguments.Ways.ToDictionary(w => w, _ => new List<ThroughputResult>());
            for (var round = 1; round <= arguments.Rounds; round++)
            {
                foreach (var name in round % 2 == 1 ? arguments.Ways : arguments.Ways.Reverse())
                {
                    var result = Measure(WayCatalog.Create(name, targets), callers, arguments.Warmup, arguments.Measure);
                    progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{result.Way,-12} {callers,4} callers, round {round}: {result.CallsPerSecond,14:N0} calls/s {result.BytesPerCall,8:N0} bytes/call"));
                    rounds[name].Add(result);
                }
            }
            rounds.TryGetValue(WayCatalog.Polly, out var polly);
            results.AddRange(arguments.Ways.Select(name => Combine(rounds[name], polly)));
        }
        return results;
    }

    /// <summary>One way's rounds as one result: medians, and the median of each round's ratio to Polly's same round.</summary>
    public static ThroughputResult Combine(IReadOnlyList<ThroughputResult> rounds, IReadOnlyList<ThroughputResult>? polly)
    {
        var ratios = polly is null
            ? []
            : rounds.Zip(polly, (r, p) => p.CallsPerSecond > 0 ? r.CallsPerSecond / p.CallsPerSecond : double.NaN).Where(double.IsFinite).ToList();
        var bytes = rounds.Where(r => r.BytesPerCall is not null).Select(r => r.BytesPerCall!.Value).ToList();
        return new ThroughputResult(rounds[0].Way, rounds[0].Callers, rounds.Sum(r => r.Calls), Math.Round(rounds.Sum(r => r.Seconds), 4),
            Math.Round(Median(rounds.Select(r => r.CallsPerSecond)), 1), bytes.Count > 0 ? Math.Round(Median(bytes), 1) : null,
            ratios.Count > 0 ? Math.Round(Median(ratios), 4) : null)
        {
            RoundCallsPerSecond = [.. rounds.Select(r => r.CallsPerSecond)],
        };
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>One way with <paramref name="callers"/> callers: warm-up, then the measured window; throws when the way failed.</summary>
    public static ThroughputResult Measure(ThroughputWay way, int callers, TimeSpan warmup, TimeSpan window)
    {
        Collect(); // what the previous way left behind is not this one's garbage
        var running = way.Start(callers);
        Thread.Sleep(warmup);
        var callsBefore = running.Completed;
        var bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
        var start = Stopwatch.GetTimestamp();
        Thread.Sleep(window);
        var callsAfter = running.Completed;
        var bytesAfter = GC.GetTotalAllocatedBytes(precise: true);
        var elapsed = Stopwatch.GetElapsedTime(start);
        try
        {
            running.Stop();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"{way.Name} with {callers} callers failed: {e.Message}", e);
        }
        var calls = callsAfter - callsBefore;
        return new ThroughputResult(way.Name, callers, calls, Math.Round(elapsed.TotalSeconds, 4),
            Math.Round(calls / elapsed.TotalSeconds, 1),
            calls > 0 ? Math.Round((double)(bytesAfter - bytesBefore) / calls, 1) : null);
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Creates <paramref name="directory"/>: null, or why it cannot be.</summary>
    private static string? CreateDirectory(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return e.Message;
        }
    }
}
