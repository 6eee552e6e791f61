using Orchestrator.Bench.Scenarios.Measurement;
using Orchestrator.Bench.Scenarios.Ways;
using ScottPlot;

namespace Orchestrator.Bench.Scenarios.Reporting;

/// <summary>PNG charts of a scenario over time, one line per way, the fault window shaded.</summary>
public static class TimelinePlot
{
    private static readonly Dictionary<ProtectionKind, Color> WayColors = new()
    {
        [ProtectionKind.None] = Colors.Gray,
        [ProtectionKind.Polly] = Colors.DarkOrange,
        [ProtectionKind.Orchestrator] = Colors.SteelBlue,
        [ProtectionKind.OrchestratorCountingCallerErrors] = Colors.Crimson,
        [ProtectionKind.PollyHedging] = Colors.SaddleBrown,
        [ProtectionKind.OrchestratorHedging] = Colors.ForestGreen,
        [ProtectionKind.OrchestratorHedgingP90] = Colors.MediumPurple,
    };

    /// <summary>
    /// Writes <c>{scenario}-goodput.png</c> and <c>{scenario}-p99.png</c> to <paramref name="directory"/>, and for a
    /// way with a stress level <c>{scenario}-level.png</c>; returns their paths.
    /// </summary>
    public static IReadOnlyList<string> Write(ScenarioResult result, string directory)
    {
        var goodput = Path.Combine(directory, $"{result.Scenario}-goodput.png");
        var latency = Path.Combine(directory, $"{result.Scenario}-p99.png");
        Render(result, goodput, "goodput (calls/s)", p => p.GoodputPerSecond, fromZero: true);
        Render(result, latency, "p99 latency (ms)", p => p.P99Ms ?? double.NaN, fromZero: false);
        if (result.Flood is null) return [goodput, latency];
        var level = Path.Combine(directory, $"{result.Scenario}-level.png");
        RenderLevels(result, level);
        return [goodput, latency, level];
    }

    /// <summary>The stress level of each way that has one (0 Normal, 1 Stressed, 2 Severe), the flood's window shaded.</summary>
    private static void RenderLevels(ScenarioResult result, string path)
    {
        var plot = new Plot();
        Shade(plot, result, "flood of bad input");
        foreach (var way in result.Ways)
        {
            if (way.Levels is not { Count: > 0 } levels) continue;
            var line = plot.Add.Scatter(levels.Select(l => l.Seconds).ToArray(), levels.Select(l => (double)l.Value).ToArray());
            line.LegendText = way.Way.ToString();
            line.Color = WayColors[way.Way];
            line.LineWidth = 2;
            line.MarkerSize = 0;
            line.ConnectStyle = ConnectStyle.StepHorizontal;
        }
        plot.Axes.Left.SetTicks([0, 1, 2], ["Normal", "Stressed", "Severe"]);
        plot.Axes.SetLimitsY(-0.2, 2.3);
        plot.Title($"{result.Scenario}: the stress level ({result.Flood} bad requests/s in the window)");
        plot.Axes.Bottom.Label.Text = "time (s)";
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 900, 300);
    }

    private static void Shade(Plot plot, ScenarioResult result, string label)
    {
        if (result.FaultStartsSeconds is not { } from || result.FaultEndsSeconds is not { } to || to <= from) return;
        var fault = plot.Add.HorizontalSpan(from, to);
        fault.FillStyle.Color = Colors.Red.WithAlpha(0.12);
        fault.LegendText = label;
    }

    /// <summary>One chart; <paramref name="fromZero"/>: its axis starts at 0 (so that a steady line does not look like a swing).</summary>
    private static void Render(ScenarioResult result, string path, string yLabel, Func<TimelinePoint, double> value, bool fromZero)
    {
        var plot = new Plot();
        Shade(plot, result, result.Flood is null ? "fault" : "flood of bad input");
        foreach (var way in result.Ways)
        {
            var line = plot.Add.Scatter(way.Timeline.Select(p => p.Seconds).ToArray(), way.Timeline.Select(value).ToArray());
            line.LegendText = way.Way.ToString();
            line.Color = WayColors[way.Way];
            line.LineWidth = 2;
            line.MarkerSize = 3;
            // A hedging way is drawn dashed, beside its way without hedging.
            if (way.Way.Hedges()) line.LinePattern = LinePattern.Dashed;
        }
        plot.Title($"{result.Scenario}: {result.RatePerSecond:0} calls/s sent, capacity {result.CapacityPerSecond:0}/s, deadline {result.DeadlineMs:0} ms");
        plot.Axes.Bottom.Label.Text = "time (s), by the requests' start";
        plot.YLabel(yLabel);
        if (fromZero)
        {
            plot.Axes.AutoScale();
            plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top * 1.08);
        }
        // Many ways: the legend goes beside the chart, where it hides none of the lines.
        if (result.Ways.Count > 4) plot.ShowLegend(Edge.Right);
        else plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, result.Ways.Count > 4 ? 1100 : 900, 420);
    }
}
