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
        text.AppendLine(Header(quick));
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
            var beyondFirst = result.Ways.Any(w => w.Hedging is not null) ? "retries and hedges" : "retries";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| Way | Goodput/s | of capacity | of sent | CRITICAL ok | p50 / p99 CRITICAL (ms) | p50 / p99 IMPORTANT (ms) | p50 / p99 OPTIONAL (ms) | max (ms) | degraded | failed | calls to faulty dep. ({beyondFirst}) | recovery (s) |");
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
            if (result.Ways.Any(w => w.Hedging is not null)) AppendHedging(text, result);
        }
        return text.ToString();
    }

    /// <summary>The report's first line: what kind of run, on how many cores.</summary>
    public static string Header(bool quick) =>
        $"Scenario results: {(quick ? "a quick run (a smoke test, too short to read much into)" : "a full run")} on {Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)} cores.";

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

    /// <summary>
    /// The hedging's own table: the faulty dependency's requests during the fault (their latency, the calls they
    /// made), and each hedging way's hedges over the run.
    /// </summary>
    private static void AppendHedging(StringBuilder text, ScenarioResult result)
    {
        var faulty = result.Ways.Select(w => w.FaultyCalls?.Dependency).FirstOrDefault(d => d is not null) ?? "the faulty dependency";
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Hedging: the requests to '{faulty}' sent during the fault, and the hedges over the whole run. A hedge started may not reach the dependency (turned away by Polly's limiter or breaker, or cancelled by the orchestrator before its work ran because the call was answered); for the orchestrator, 'answered by a hedge' counts hedged calls a later attempt than the first answered. A hedge on the same dependency meets the same slow share: the calls whose hedge is slow too stay slow, so p95 shows what hedging cuts more steadily than p99.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| Way | '{faulty}' in the fault: p50 / p95 / p99 (ms) | calls to it (retries and hedges) | hedges started for them | hedges in the run | requests hedged | answered by a hedge (p50 ms) |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var way in result.Ways)
        {
            var during = way.FaultyCalls is { } f
                ? string.Create(CultureInfo.InvariantCulture, $"{Ms(f.P50Ms)} / {Ms(f.P95Ms)} / {Ms(f.P99Ms)} | {f.Calls} ({f.Retries}) | {(way.Hedging is null ? "-" : f.Hedges.ToString(CultureInfo.InvariantCulture))}")
                : "- | - | -";
            var hedging = way.Hedging is { } h
                ? string.Create(CultureInfo.InvariantCulture, $"{h.Hedges} | {h.HedgedShare:P1} | {h.AnsweredByHedge} ({Ms(h.AnsweredByHedgeP50Ms)})")
                : "- | - | -";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {way.Way} | {during} | {hedging} |");
        }
    }

    private static string Ms(double? ms) => ms is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "-";
}
