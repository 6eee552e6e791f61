using System.Globalization;
using System.Text;

namespace Orchestrator.Experiments;

/// <summary>The verdict of an experiment.</summary>
public static class Verdicts
{
    /// <summary>The hypothesis held before, during and after the method, and every step of the method passed.</summary>
    public const string Held = "held";

    /// <summary>The hypothesis did not hold before (nothing was injected) or after the method, or a step of the method failed.</summary>
    public const string Failed = "failed";

    /// <summary>The hypothesis broke beyond its tolerance during the method: the run stopped at once and rolled back.</summary>
    public const string Aborted = "aborted";

    /// <summary>Faults the run did not inject were active on a node under test: nothing was run (its verdict would mean nothing).</summary>
    public const string Refused = "refused";
}

/// <summary>What happened, when (milliseconds from the start).</summary>
public sealed record ReportEvent(long AtMs, string Kind, string Detail);

/// <summary>A phase of the run: before, method, after, rollbacks.</summary>
public sealed record ReportPhase(string Name, long StartMs, long EndMs);

/// <summary>One probe over one phase.</summary>
public sealed record ProbeResult(string Probe, string Phase, int Samples, int Passed, double? PassRatio, double? P99Ms, double? SuccessRatio, long? Calls,
    bool WithinTolerance, string? Problem, long? FirstFailureAtMs)
{
    /// <summary>Out of tolerance: the value measured, in words ("81.5% of 120 calls of tier Critical answered with a value").</summary>
    public string? Measured { get; init; }

    /// <summary>Out of tolerance: what the tolerance allows ("at least 99.0%").</summary>
    public string? Limit { get; init; }
}

/// <summary>One step of the method or the rollbacks; <paramref name="Kind"/> is inject, clear, wait, http, load or kill.</summary>
public sealed record StepResult(string Phase, string Kind, string Step, long AtMs, long TookMs, bool Ok, string Detail);

/// <summary>An experiment's report: its verdict, why, and its timeline.</summary>
public sealed record ExperimentReport(string Title, string Verdict, string Reason, DateTimeOffset StartedAt, long DurationMs, IReadOnlyList<string> Targets,
    IReadOnlyList<ReportPhase> Phases, IReadOnlyList<ProbeResult> Probes, IReadOnlyList<StepResult> Steps, IReadOnlyList<ReportEvent> Events)
{
    /// <summary>The probe that broke the hypothesis, if one did.</summary>
    public string? FailedProbe { get; init; }

    /// <summary>When it broke, in milliseconds from the start.</summary>
    public long? FailedAtMs { get; init; }

    /// <summary>The node the broken probe asked (1 unless the experiment has several).</summary>
    public int? FailedNode { get; init; }

    /// <summary>The value that broke the hypothesis, and what the probe's tolerance allows.</summary>
    public string? FailedValue { get; init; }

    /// <summary>
    /// When the hypothesis broke: the dependencies of the probe's node in trouble at that moment (a breaker not closed,
    /// a fault, failures, timeouts or rejections since the phase began), worst first; empty when none was.
    /// </summary>
    public IReadOnlyList<string>? Dependencies { get; init; }

    /// <summary>Set when the run refused to start: the faults active on the nodes that it did not inject.</summary>
    public IReadOnlyList<string>? ForeignFaults { get; init; }

    /// <summary>The report in markdown, with a timeline chart (a Mermaid gantt chart: phases, faults, the failure).</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# Experiment: {Title}").AppendLine();
        md.AppendLine(inv, $"**Verdict: {Verdict}** — {Reason}").AppendLine();
        if (FailedProbe is not null)
        {
            md.AppendLine(inv, $"- Probe: **{FailedProbe}**{(Targets.Count > 1 ? $" (node {FailedNode})" : "")}");
            if (FailedValue is not null) md.AppendLine(inv, $"- Value: {FailedValue}");
            md.AppendLine(inv, $"- Dependencies in trouble then: {(Dependencies is { Count: > 0 } d ? string.Join("; ", d) : "none (breakers closed, no faults, no failures)")}").AppendLine();
        }
        if (ForeignFaults is { Count: > 0 } foreign)
        {
            md.AppendLine("Faults active before the run (not injected by it):").AppendLine();
            foreach (var fault in foreign) md.AppendLine(inv, $"- {fault}");
            md.AppendLine();
        }
        md.AppendLine(inv, $"Started {StartedAt:yyyy-MM-dd HH:mm:ss} UTC against {string.Join(", ", Targets.Select((t, i) => Targets.Count == 1 ? t : $"node {i + 1} {t}"))}; took {DurationMs / 1000.0:0.0} s.").AppendLine();
        md.AppendLine("## Timeline").AppendLine();
        md.AppendLine("```mermaid").AppendLine("gantt").AppendLine("    dateFormat x").AppendLine("    axisFormat %M:%S");
        md.AppendLine("    section Phases");
        foreach (var phase in Phases)
            md.AppendLine(inv, $"    {phase.Name} :{(phase.Name == "method" && Verdict == Verdicts.Aborted ? "crit, " : "")}{phase.StartMs}, {Math.Max(phase.EndMs, phase.StartMs + 1)}");
        var faults = Events.Where(e => e.Kind is "inject" or "clear").ToList();
        if (faults.Count > 0)
        {
            md.AppendLine("    section Faults");
            foreach (var inject in faults.Where(e => e.Kind == "inject"))
            {
                var dependency = inject.Detail.Split(':')[0];
                var end = faults.FirstOrDefault(e => e.Kind == "clear" && e.AtMs >= inject.AtMs && e.Detail.StartsWith(dependency, StringComparison.Ordinal))?.AtMs ?? DurationMs;
                md.AppendLine(inv, $"    {Sanitize(dependency)} fault :active, {inject.AtMs}, {Math.Max(end, inject.AtMs + 1)}");
            }
        }
        var loads = Steps.Where(s => s.Kind == "load").ToList();
        if (loads.Count > 0)
        {
            md.AppendLine("    section Load");
            foreach (var load in loads) md.AppendLine(inv, $"    {Sanitize(load.Step)} :{load.AtMs}, {load.AtMs + Math.Max(1, load.TookMs)}");
        }
        var kills = Steps.Where(s => s.Kind == "kill" && s.Ok).ToList();
        if (kills.Count > 0)
        {
            md.AppendLine("    section Nodes");
            foreach (var kill in kills) md.AppendLine(inv, $"    {Sanitize(kill.Step)} :crit, milestone, {kill.AtMs}, 0ms");
        }
        if (FailedAtMs is { } failedAt)
            md.AppendLine("    section Hypothesis").AppendLine(inv, $"    {Sanitize(FailedProbe ?? "probe")} failed :crit, milestone, {failedAt}, 0ms");
        md.AppendLine("```").AppendLine();
        md.AppendLine("## Probes").AppendLine();
        md.AppendLine("| Probe | Phase | Requests passed | p99 ms | Calls | Answered with a value | Within tolerance | Problem |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var p in Probes)
            md.AppendLine(inv, $"| {Cell(p.Probe)} | {p.Phase} | {(p.Calls is null ? $"{p.Passed} of {p.Samples}" : "")} | {p.P99Ms?.ToString("0", inv) ?? ""} | {p.Calls?.ToString(inv) ?? ""} | {p.SuccessRatio?.ToString("P1", inv) ?? ""} | {(p.WithinTolerance ? "yes" : "**no**")} | {Cell(p.Problem ?? "")} |");
        md.AppendLine().AppendLine("## Steps").AppendLine();
        md.AppendLine("| At (s) | Phase | Step | Took ms | Result |").AppendLine("| ---: | --- | --- | ---: | --- |");
        foreach (var s in Steps)
            md.AppendLine(inv, $"| {s.AtMs / 1000.0:0.0} | {s.Phase} | {Cell(s.Step)} | {s.TookMs} | {(s.Ok ? "ok" : "**failed**")}: {Cell(s.Detail)} |");
        md.AppendLine().AppendLine("## Events").AppendLine();
        foreach (var e in Events) md.AppendLine(inv, $"- {e.AtMs / 1000.0:0.00} s, {e.Kind}: {e.Detail}");
        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ");

    private static string Sanitize(string text) => new(text.Select(c => c is ':' or '#' or ';' or '\n' ? ' ' : c).Take(60).ToArray());
}
