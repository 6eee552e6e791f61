using System.Text.Json;
using ScottPlot;

namespace Orchestrator.Bench.Micro.Throughput;

/// <summary><c>throughput.png</c>: calls per second of each way, grouped by the number of callers; each bar is the median round, each dot one round.</summary>
public static class ThroughputPlot
{
    private static readonly Dictionary<string, Color> WayColors = new(StringComparer.Ordinal)
    {
        [WayCatalog.Polly] = Colors.DarkOrange,
        [WayCatalog.Client] = Colors.SteelBlue,
        [WayCatalog.TellHandle] = Colors.LightSteelBlue,
        [WayCatalog.Ask] = Colors.Gray,
        [WayCatalog.TellEcho] = Colors.LightGray,
    };

    /// <summary>Draws <c>throughput.png</c> again from the <c>throughput.json</c> in <paramref name="directory"/> (no measuring); returns its path.</summary>
    public static string Redraw(string directory)
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "throughput.json")));
        var results = json.RootElement.GetProperty("results").Deserialize<List<ThroughputResult>>(
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        var chart = Path.Combine(directory, "throughput.png");
        Write(results, chart);
        return chart;
    }

    /// <summary>Writes the chart of <paramref name="results"/> (the direct call left out: it is off the scale) to <paramref name="path"/>.</summary>
    public static void Write(IReadOnlyList<ThroughputResult> results, string path)
    {
        var shown = results.Where(r => r.Way != WayCatalog.Direct).ToList();
        var ways = shown.Select(r => r.Way).Distinct().ToList();
        var callers = shown.Select(r => r.Callers).Distinct().Order().ToList();
        var plot = new Plot();
        var width = 0.8 / Math.Max(1, ways.Count);
        for (var w = 0; w < ways.Count; w++)
        {
            var bars = new List<Bar>();
            var (roundX, roundY) = (new List<double>(), new List<double>());
            foreach (var (group, count) in callers.Select((c, i) => (i, c)))
            {
                if (shown.Find(r => r.Way == ways[w] && r.Callers == count) is not { } result) continue;
                var position = group + (w - (ways.Count - 1) / 2.0) * width;
                bars.Add(new Bar
                {
                    Position = position,
                    Value = result.CallsPerSecond / 1e6,
                    Size = width * 0.9,
                    FillColor = WayColors.GetValueOrDefault(ways[w], Colors.Black),
                });
                foreach (var round in result.RoundCallsPerSecond)
                {
                    roundX.Add(position);
                    roundY.Add(round / 1e6);
                }
            }
            var series = plot.Add.Bars(bars);
            series.LegendText = ways[w];
            if (roundX.Count == 0) continue;
            var dots = plot.Add.Scatter(roundX.ToArray(), roundY.ToArray());
            dots.LineWidth = 0;
            dots.MarkerSize = 5;
            dots.Color = Colors.Black;
        }
        plot.Axes.Bottom.SetTicks([.. callers.Select((_, i) => (double)i)], [.. callers.Select(c => c == 1 ? "1 caller" : $"{c} callers")]);
        plot.Axes.Left.Label.Text = "million calls per second";
        plot.Axes.Margins(bottom: 0);
        plot.Title("Guarded-call throughput, closed loop (bar: the median round; dots: each round)");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 900, 420);
    }
}
