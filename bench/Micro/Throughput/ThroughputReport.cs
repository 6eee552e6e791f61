using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Orchestrator.Bench.Micro.Throughput;

/// <summary>The results as a table (stdout), and as <c>throughput.json</c> and <c>throughput.md</c>.</summary>
public static class ThroughputReport
{
    public const string Note =
        "bytes/call are process-wide (GC.GetTotalAllocatedBytes over the window divided by the calls): the orchestrator's own background work counts too.";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a file for people: no \u0027 for an apostrophe
    };

    /// <summary>A markdown table, columns aligned so that it also reads as plain text: way, callers, calls/s, ratio to Polly, bytes/call.</summary>
    public static string Table(IReadOnlyList<ThroughputResult> results)
    {
        string[] header = ["way", "callers", "calls/s", "ratio to Polly", "bytes/call"];
        var rows = results.Select(r => new[]
        {
            r.Way,
            r.Callers.ToString(CultureInfo.InvariantCulture),
            r.CallsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
            r.RatioToPolly is { } ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) : "n/a",
            r.BytesPerCall is { } bytes ? bytes.ToString("N0", CultureInfo.InvariantCulture) : "n/a",
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        // The way left-aligned, the numbers right-aligned.
        string Line(string[] cells) => "| " + string.Join(" | ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))) + " |";
        text.AppendLine(Line(header));
        text.AppendLine("|" + string.Join("|", widths.Select((w, i) => i == 0 ? new string('-', w + 2) : new string('-', w + 1) + ":")) + "|");
        foreach (var row in rows) text.AppendLine(Line(row));
        return text.ToString();
    }

    /// <summary>The markdown report: the machine, the settings, the table.</summary>
    public static string Markdown(IReadOnlyList<ThroughputResult> results, ThroughputArguments arguments, MachineInfo machine)
    {
        var text = new StringBuilder();
        text.AppendLine("# Throughput");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Measured {machine.MeasuredAt:u} on {machine.Cores} cores, {machine.Os}, {machine.Runtime}.");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Each way ran {arguments.Rounds} round(s) of {arguments.Measure.TotalSeconds:0.###} s after a {arguments.Warmup.TotalSeconds:0.###} s warm-up, interleaved with the other ways, with each number of concurrent callers; every caller awaits its call before the next. Medians over the rounds; the ratio to Polly is the median of each round's ratio.");
        text.AppendLine(Note);
        text.AppendLine();
        text.Append(Table(results));
        text.AppendLine();
        text.AppendLine("![throughput](throughput.png)");
        return text.ToString();
    }

    /// <summary>The JSON report: the machine, the settings and every result.</summary>
    public static string JsonText(IReadOnlyList<ThroughputResult> results, ThroughputArguments arguments, MachineInfo machine) =>
        JsonSerializer.Serialize(new
        {
            machine,
            settings = new
            {
                callers = arguments.Callers,
                seconds = arguments.Measure.TotalSeconds,
                warmupSeconds = arguments.Warmup.TotalSeconds,
                rounds = arguments.Rounds,
                ways = arguments.Ways,
            },
            note = Note,
            results,
        }, Json);

    /// <summary>Writes <c>throughput.json</c>, <c>throughput.md</c> and <c>throughput.png</c> into <paramref name="directory"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<ThroughputResult> results, ThroughputArguments arguments, MachineInfo machine)
    {
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "throughput.json");
        var markdown = Path.Combine(directory, "throughput.md");
        File.WriteAllText(json, JsonText(results, arguments, machine));
        File.WriteAllText(markdown, Markdown(results, arguments, machine));
        var chart = Path.Combine(directory, "throughput.png");
        ThroughputPlot.Write(results, chart);
        return [json, markdown, chart];
    }
}
