using Orchestrator.Bench.Scenarios.Definitions;
using Orchestrator.Bench.Scenarios.Measurement;
using Orchestrator.Bench.Scenarios.Reporting;
using Orchestrator.Bench.Scenarios.Ways;

namespace Orchestrator.Bench.Scenarios;

/// <summary>
/// The runner's entry, usable as a library (the smoke test calls it): runs each scenario its ways, one after
/// the other in this process, and writes <c>scenarios.json</c>, <c>scenarios.md</c> (or, with <c>--merge</c>, puts its
/// scenarios into those already there) and the charts.
/// </summary>
public static class ScenarioRunner
{
    /// <summary>The exit code for a bad command line.</summary>
    public const int BadArguments = 2;

    /// <summary>Parses <paramref name="args"/>, runs, reports to <paramref name="output"/> and the output directory; returns the exit code.</summary>
    public static async Task<int> MainAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var (arguments, problem) = RunnerArguments.Parse(args);
        if (arguments is null)
        {
            await error.WriteLineAsync(problem).ConfigureAwait(false);
            await error.WriteLineAsync(RunnerArguments.Usage).ConfigureAwait(false);
            return BadArguments;
        }
        if (arguments.Merge && ResultsMerge.Problem(arguments.OutputDirectory, arguments.Quick) is { } mismatch)
        {
            await error.WriteLineAsync(mismatch).ConfigureAwait(false);
            return BadArguments;
        }
        var results = await RunAsync(arguments.Scenarios, arguments.Duration, output, arguments.Quick).ConfigureAwait(false);
        var files = await WriteAsync(results, arguments).ConfigureAwait(false);
        await output.WriteLineAsync(MarkdownReport.Render(results, arguments.Quick)).ConfigureAwait(false);
        foreach (var file in files) await output.WriteLineAsync($"wrote {file}").ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// Runs every scenario in <paramref name="scenarios"/> its ways (<see cref="Scenario.Ways"/>), each for
    /// <paramref name="duration"/>, or the scenario's own <see cref="Scenario.Duration"/> unless <paramref name="quick"/>.
    /// </summary>
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(IReadOnlyList<Scenario> scenarios, TimeSpan duration, TextWriter progress, bool quick = false)
    {
        var results = new List<ScenarioResult>();
        foreach (var scenario in scenarios)
        {
            var ways = new List<WayResult>();
            var length = quick || scenario.Duration is not { } own ? duration : own;
            foreach (var way in scenario.Ways)
            {
                await progress.WriteLineAsync($"running {scenario.Name} / {way} for {length.TotalSeconds:0.#} s").ConfigureAwait(false);
                ways.Add(await ScenarioRun.RunAsync(scenario, way, length).ConfigureAwait(false));
            }
            var seconds = length.TotalSeconds;
            results.Add(new ScenarioResult(scenario.Name, scenario.Description, seconds, Math.Round(scenario.Capacity, 1), Math.Round(scenario.Rate, 1),
                scenario.Deadline.TotalMilliseconds,
                scenario.HasFault || scenario.Flood is not null ? Math.Round(seconds * scenario.FaultStarts, 3) : null,
                scenario.HasFault || scenario.Flood is not null ? Math.Round(seconds * scenario.FaultEnds, 3) : null,
                ways)
            {
                Flood = scenario.Flood?.PerSecond,
            });
        }
        return results;
    }

    private static async Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<ScenarioResult> results, RunnerArguments arguments)
    {
        Directory.CreateDirectory(arguments.OutputDirectory);
        var json = Path.Combine(arguments.OutputDirectory, "scenarios.json");
        var markdown = Path.Combine(arguments.OutputDirectory, "scenarios.md");
        var jsonText = JsonReport.Render(results);
        var markdownText = MarkdownReport.Render(results, arguments.Quick);
        if (arguments.Merge && File.Exists(json) && File.Exists(markdown))
        {
            jsonText = ResultsMerge.Json(await File.ReadAllTextAsync(json).ConfigureAwait(false), results);
            markdownText = ResultsMerge.Markdown(await File.ReadAllTextAsync(markdown).ConfigureAwait(false), markdownText);
        }
        await File.WriteAllTextAsync(json, jsonText).ConfigureAwait(false);
        await File.WriteAllTextAsync(markdown, markdownText).ConfigureAwait(false);
        var files = new List<string> { json, markdown };
        if (arguments.Plots)
            foreach (var result in results) files.AddRange(TimelinePlot.Write(result, arguments.OutputDirectory));
        return files;
    }
}
