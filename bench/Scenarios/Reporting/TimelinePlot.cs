using Orchestrator.Bench.Scenarios.Measurement;
using ScottPlot;

namespace Orchestrator.Bench.Scenarios.Reporting;

/// <summary>PNG charts of a scenario over time, one line per way, the fault window shaded.</summary>
public static class TimelinePlot
{
    private static readonly Color[] WayColors = [Colors.Gray, Colors.DarkOrange, Colors.SteelBlue];

    /// <summary>Writes <c>{scenario}-goodput.png</c> and <c>{scenario}-p99.png</c> to <paramref name="directory"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(ScenarioResult result, string directory)
    {
        var goodput = Path.Combine(directory, $"{result.Scenario}-goodput.png");
        var latency = Path.Combine(directory, $"{result.Scenario}-p99.png");
        Render(result, goodput, "goodput (calls/s)", p => p.GoodputPerSecond);
        Render(result, latency, "p99 latency (ms)", p => p.P99Ms ?? double.NaN);
        return [goodput, latency];
    }

    private static void Render(ScenarioResult result, string path, string yLabel, Func<TimelinePoint, double> value)
    {
        var plot = new Plot();
        if (result.FaultStartsSeconds is { } from && result.FaultEndsSeconds is { } to && to > from)
        {
            var fault = plot.Add.HorizontalSpan(from, to);
            fault.FillStyle.Color = Colors.Red.WithAlpha(0.12);
            fault.LegendText = "fault";
        }
        for (var i = 0; i < result.Ways.Count; i++)
        {
            var way = result.Ways[i];
            var line = plot.Add.Scatter(way.Timeline.Select(p => p.Seconds).ToArray(), way.Timeline.Select(value).ToArray());
            line.LegendText = way.Way.ToString();
            line.Color = WayColors[i % WayColors.Length];
            line.LineWidth = 2;
            line.MarkerSize = 3;
        }
        plot.Title($"{result.Scenario}: {result.RatePerSecond:0} calls/s sent, capacity {result.CapacityPerSecond:0}/s, deadline {result.DeadlineMs:0} ms");
        plot.Axes.Bottom.Label.Text = "time (s), by the requests' start";
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 900, 420);
    }
}
