namespace Orchestrator.Experiments;

// The experiment runner: the hypothesis: its probes sampled in each phase and judged against their tolerances.
public sealed partial class ExperimentRunner
{
    /// <summary>A phase's outcome: the probe that left its tolerance while it ran (<paramref name="Live"/>, with <c>stopOnBreach</c>), or over the whole phase (<paramref name="Final"/>).</summary>
    private sealed record PhaseOutcome(ProbeResult? Live, ProbeResult? Final);

    private sealed class ProbeState(Probe probe)
    {
        public Probe Probe { get; } = probe;
        public int Node => Probe.Node ?? 1;
        public List<(bool Passed, double Ms, string Detail, long At)> Samples { get; } = [];
        public (double Success, double Total)? Baseline { get; set; }
        public (double Success, double Total)? Latest { get; set; }
        public long? FirstFailureAt { get; set; }
        public string? Unavailable { get; set; }
    }

    private async Task<PhaseOutcome> PhaseAsync(string phase, IReadOnlyList<Probe> probes, int rounds, TimeSpan every, bool stopOnBreach,
        CancellationToken ct, Action? onBreach = null)
    {
        var start = Now;
        var states = probes.Select(p => new ProbeState(p)).ToList();
        foreach (var state in states.Where(s => s.Probe.Metric is not null))
            state.Baseline = await MetricAsync(state.Node, state.Probe.Metric!, CancellationToken.None);
        foreach (var state in states.Where(s => s.Probe.Metric is not null && s.Baseline is null)) state.Unavailable = MetricsUnavailable;
        ProbeResult? breach = null;
        for (var round = 0; round < rounds && breach is null; round++)
        {
            if (round > 0)
            {
                try
                {
                    await Task.Delay(every, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            foreach (var state in states)
            {
                if (state.Probe.Http is { } check)
                {
                    var (passed, ms, detail) = await RequestAsync(state.Node, check, capture: false, CancellationToken.None);
                    state.Samples.Add((passed, ms, detail, Now));
                    if (!passed) state.FirstFailureAt ??= Now;
                }
                else
                {
                    state.Latest = await MetricAsync(state.Node, state.Probe.Metric!, CancellationToken.None);
                    if (state.Latest is null) state.Unavailable = MetricsUnavailable;
                    if (!Judge(state, phase, final: true).WithinTolerance) state.FirstFailureAt ??= Now;
                }
            }
            if (stopOnBreach) breach = states.Select(s => Judge(s, phase, final: false)).FirstOrDefault(r => !r.WithinTolerance);
            if (breach is not null)
            {
                Event("probe-failed", $"{breach.Probe}: {breach.Problem}");
                onBreach?.Invoke();
            }
        }
        var results = states.Select(s => Judge(s, phase, final: true)).ToList();
        lock (_lock) _probes.AddRange(results);
        if (phase != "method") _phases.Add(new ReportPhase(phase, start, Now));
        var final = results.FirstOrDefault(r => !r.WithinTolerance);
        if (final is not null && breach is null) Event("probe-failed", $"{phase}: {final.Probe}: {final.Problem}");
        return new PhaseOutcome(breach, final);
    }

    private static ProbeResult Judge(ProbeState state, string phase, bool final)
    {
        var probe = state.Probe;
        var tolerance = probe.Tolerance;
        if (probe.Metric is not null)
        {
            var min = tolerance?.MinSuccessRatio ?? 0.99;
            if (state.Unavailable is { } unavailable)
                return new ProbeResult(probe.Name!, phase, 0, 0, null, null, null, null, false, unavailable, state.FirstFailureAt);
            var (success, total) = state.Latest is { } latest && state.Baseline is { } baseline
                ? (latest.Success - baseline.Success, latest.Total - baseline.Total)
                : (0, 0);
            var ratio = total > 0 ? success / total : (double?)null;
            var ok = ratio is null || ratio >= min;
            return new ProbeResult(probe.Name!, phase, 0, 0, null, null, ratio, (long)total, ok,
                ok ? (ratio is null ? "no calls in this phase" : null) : $"{success:0} of {total:0} calls answered with a value ({ratio:P1}), below {min:P1}",
                ok ? null : state.FirstFailureAt)
            {
                Measured = ratio is { } answered ? $"{Percent(answered)} of {total:0} calls{Of(probe.Metric)} answered with a value" : null,
                Limit = $"at least {Percent(min)}",
            };
        }
        var samples = state.Samples;
        var passed = samples.Count(s => s.Passed);
        var passRatio = samples.Count > 0 ? passed / (double)samples.Count : (double?)null;
        var p99 = samples.Count > 0 ? Percentile(samples.Select(s => s.Ms), 0.99) : (double?)null;
        var minPass = tolerance?.MinPassRatio ?? 1.0;
        string? problem = null, measured = null, limit = null;
        var enough = final || minPass >= 1 || samples.Count >= MinSamplesForRatio;
        if (passRatio is { } r && r < minPass && enough)
        {
            problem = $"{passed} of {samples.Count} samples passed ({r:P0}), below {minPass:P0}; last failure: {samples.Last(s => !s.Passed).Detail}";
            (measured, limit) = ($"{passed} of {samples.Count} requests passed ({Percent(r)}); the last that did not: {samples.Last(s => !s.Passed).Detail}", $"at least {Percent(minPass)}");
        }
        else if (tolerance?.MaxP99Ms is { } maxP99 && p99 is { } p && p > maxP99 && (final || samples.Count >= MinSamplesForRatio))
        {
            problem = $"p99 {p:0} ms is above {maxP99:0} ms";
            (measured, limit) = ($"p99 {p:0} ms over {samples.Count} requests", $"at most {maxP99:0} ms");
        }
        return new ProbeResult(probe.Name!, phase, samples.Count, passed, passRatio, p99, null, null, problem is null, problem,
            problem is null ? null : state.FirstFailureAt ?? samples.LastOrDefault().At) { Measured = measured, Limit = limit };
    }

    private static string Of(MetricCheck? metric) => metric switch
    {
        { Dependency: { } dependency } => $" to {dependency}",
        { Tier: { } tier } => $" of tier {tier}",
        _ => "",
    };

    private static string Percent(double ratio) => $"{ratio * 100:0.#}%";

    private static double Percentile(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
