using System.Globalization;
using System.Text;
using Orchestrator.Bench.Scenarios.Measurement;

namespace Orchestrator.Bench.Scenarios.Reporting;

/// <summary>The results as markdown: per scenario, one row per way.</summary>
public static class MarkdownReport
{
    public static string Render(IReadOnlyList<ScenarioResult> results, bool quick)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Scenario results: {(quick ? "a quick run (a smoke test, too short to read much into)" : "a full run")} on {Environment.ProcessorCount} cores.");
        foreach (var result in results)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"### {result.Scenario}");
            text.AppendLine();
            text.AppendLine(result.Description);
            var fault = result.FaultStartsSeconds is { } s && result.FaultEndsSeconds is { } e && e > s
                ? string.Create(CultureInfo.InvariantCulture, $", fault from {s:0.##} s to {e:0.##} s.")
                : ".";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{result.RatePerSecond:0} calls/s sent for {result.DurationSeconds:0.#} s, capacity {result.CapacityPerSecond:0} calls/s, deadline {result.DeadlineMs:0} ms{fault}");
            text.AppendLine();
            text.AppendLine("| Way | Goodput/s | of capacity | of sent | CRITICAL ok | p50 / p99 CRITICAL (ms) | p50 / p99 IMPORTANT (ms) | p50 / p99 OPTIONAL (ms) | max (ms) | degraded | failed | calls to faulty dep. (retries) | recovery (s) |");
            text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var way in result.Ways)
            {
                var tiers = string.Join(" | ", way.Tiers.Select(t => $"{Ms(t.P50Ms)} / {Ms(t.P99Ms)}"));
                var faulty = way.FaultyCalls is { } f ? $"{f.Calls} ({f.Retries}, +{f.RetryOverhead:P1})" : "n/a";
                var recovery = way.FaultyCalls is null ? "n/a" : way.RecoverySeconds is { } r ? r.ToString("0.000", CultureInfo.InvariantCulture) : "not in run";
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {way.Way} | {way.GoodputPerSecond:0} | {way.GoodputOfCapacity:P1} | {way.GoodputOfOffered:P1} | {way.CriticalSuccess:P2} | {tiers} | {way.MaxLatencyMs:0} | {way.DegradedShare:P1} | {way.FailedShare:P1} | {faulty} | {recovery} |");
            }
            if (result.Ways.Any(w => w.Flood is not null)) AppendFlood(text, result);
        }
        return text.ToString();
    }

    /// <summary>The flood's own table: how the bad requests were answered, the normal traffic's goodput during the flood, the highest level.</summary>
    private static void AppendFlood(StringBuilder text, ScenarioResult result)
    {
        text.AppendLine();
        text.AppendLine("The requests with bad input (not in the table above), and the normal traffic while they came:");
        text.AppendLine();
        text.AppendLine("| Way | bad requests | answered 404 (right) | answered degraded (wrong) | failed | p99 (ms) | normal goodput/s during the flood | highest level |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var way in result.Ways)
        {
            if (way.Flood is not { } flood) continue;
            var during = way.Timeline.Where(p => p.Seconds >= result.FaultStartsSeconds && p.Seconds <= result.FaultEndsSeconds).ToList();
            var goodput = during.Count == 0 ? 0 : during.Average(p => p.GoodputPerSecond);
            var level = way.Levels is { Count: > 0 } levels ? levels.MaxBy(l => l.Value)!.Level.ToString() : "n/a";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {way.Way} | {flood.Requests} | {flood.RefusedShare:P1} | {flood.DegradedShare:P1} | {flood.FailedShare:P1} | {Ms(flood.P99Ms)} | {goodput:0} | {level} |");
        }
    }

    private static string Ms(double? ms) => ms is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "-";
}
