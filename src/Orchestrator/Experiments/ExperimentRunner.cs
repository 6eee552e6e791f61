using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orchestrator.Node.Experiments;

/// <summary>
/// Runs an <see cref="Experiment"/> against a node over its HTTP API, the way an operator would: probes are requests
/// to the node (and its own <c>/metrics</c>), faults go through <c>/api/faults</c>. The hypothesis is checked before
/// the method, every <c>everySeconds</c> while the method runs (the run aborts and rolls back at once when a probe
/// leaves its tolerance), and after it; rollbacks always run. An experiment of several nodes has one address per node
/// (<paramref name="targets"/>, node 1 first); its probes and steps each go to their own node.
/// </summary>
public sealed partial class ExperimentRunner(HttpClient http, IReadOnlyList<Uri> targets)
{
    private const int MinSamplesForRatio = 3;
    private const string MetricsUnavailable = "the node's /metrics did not answer";
    private static readonly TimeSpan DefaultEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RequestLimit = TimeSpan.FromSeconds(10);

    private readonly Stopwatch _clock = new();
    private readonly List<ReportEvent> _events = [];
    private readonly List<ReportPhase> _phases = [];
    private readonly List<ProbeResult> _probes = [];
    private readonly List<StepResult> _steps = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _variables = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    // Touched by the steps only, which run one after another.
    private readonly HashSet<(int Node, string Dependency, string Scope)> _injected = [];
    private readonly HashSet<int> _killed = [];
    private readonly List<Task> _loads = [];

    private long Now => _clock.ElapsedMilliseconds;

    /// <summary>Runs <paramref name="experiment"/> (validated) and answers its report.</summary>
    public async Task<ExperimentReport> RunAsync(Experiment experiment, CancellationToken cancellationToken)
    {
        if (targets.Count != experiment.NodeCount)
            throw new ArgumentException($"The experiment runs against {experiment.NodeCount} node(s); {targets.Count} address(es) were given.", nameof(targets));
        var started = DateTimeOffset.UtcNow;
        _clock.Start();
        string verdict = Verdicts.Aborted, reason = "The run stopped before a verdict.";
        string? failedProbe = null;
        long? failedAt = null;
        try
        {
            (verdict, reason, failedProbe, failedAt) = await JudgeAsync(experiment, cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            (verdict, reason) = (Verdicts.Aborted, $"The run failed: {e.GetType().Name}: {e.Message}. It was rolled back.");
            Event("abort", reason);
        }
        finally
        {
            // Loads have stopped (the method stops them however it ends), rollbacks always run, and whatever the run
            // injected and did not clear is cleared too.
            try
            {
                await Task.WhenAll(_loads);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Event("load-failed", $"A load failed: {e.GetType().Name}: {e.Message}"); // the verdict says so already, when the method saw it
            }
            var rollbacksStart = Now;
            await StepsAsync("rollbacks", experiment.Rollbacks ?? [], CancellationToken.None);
            foreach (var (injectedOn, dependency, scope) in _injected.ToList())
            {
                // A node's own fault ends with the node; one for the cluster is cleared through a node still alive.
                var node = !_killed.Contains(injectedOn) ? injectedOn
                    : scope == "cluster" ? Enumerable.Range(1, targets.Count).FirstOrDefault(n => !_killed.Contains(n)) : 0;
                if (node == 0) continue;
                var (status, body) = await SendAsync(node, HttpMethod.Delete, $"/api/faults/{dependency}?scope={scope}", null, CancellationToken.None);
                Event("clear", $"{dependency}: {On(node)}left by the run, cleared after the rollbacks{(status == 200 ? "" : $" -> {status} {body}")}");
            }
            _phases.Add(new ReportPhase("rollbacks", rollbacksStart, Now));
        }
        Event("verdict", $"{verdict}: {reason}");
        return new ExperimentReport(experiment.Title!, verdict, reason, started, Now, targets.Select(t => t.ToString()).ToList(),
            _phases.OrderBy(p => p.StartMs).ToList(), _probes, _steps.OrderBy(s => s.AtMs).ToList(), _events.OrderBy(e => e.AtMs).ToList())
        { FailedProbe = failedProbe, FailedAtMs = failedAt };
    }

    private async Task<(string Verdict, string Reason, string? FailedProbe, long? FailedAt)> JudgeAsync(Experiment experiment, CancellationToken cancellationToken)
    {
        var probes = experiment.SteadyState!.Probes!;
        var every = experiment.SteadyState.EverySeconds is { } s ? TimeSpan.FromSeconds(s) : DefaultEvery;

        // Before: the system must be in its steady state, or nothing is injected.
        var before = await PhaseAsync("before", probes, rounds: 3, every, stopOnBreach: false, cancellationToken);
        if (cancellationToken.IsCancellationRequested) return Cancelled();
        if (before.Final is { } notSteady)
            return (Verdicts.Failed, $"The hypothesis did not hold before the method, so nothing was injected: probe '{notSteady.Probe}': {notSteady.Problem}",
                notSteady.Probe, notSteady.FirstFailureAtMs);

        // The method, watched: a probe that leaves its tolerance stops it at once.
        var methodStart = Now;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = PhaseAsync("method", probes, rounds: int.MaxValue, every, stopOnBreach: true, stop.Token, onBreach: () => stop.Cancel());
        StepResult? failedStep;
        long stepsEnded;
        try
        {
            failedStep = await StepsAsync("method", experiment.Method!, stop.Token);
            if (failedStep is not null) await stop.CancelAsync(); // a failed step ends the method, and its loads
            await Task.WhenAll(_loads); // the method lasts as long as its last load
        }
        finally
        {
            stepsEnded = Now;
            await stop.CancelAsync(); // the method is over (or was stopped, or failed): stop watching, whatever happened
        }
        var method = await watch;
        _phases.Add(new ReportPhase("method", methodStart, stepsEnded));
        if (method.Live is { } broke)
        {
            var why = $"The hypothesis broke during the method: probe '{broke.Probe}' at {broke.FirstFailureAtMs / 1000.0:0.0} s: {broke.Problem}. The method was stopped and rolled back.";
            Event("abort", why);
            return (Verdicts.Aborted, why, broke.Probe, broke.FirstFailureAtMs);
        }
        if (cancellationToken.IsCancellationRequested) return Cancelled();
        if (failedStep is not null) return (Verdicts.Failed, $"A step of the method failed: {failedStep.Step}: {failedStep.Detail}", null, failedStep.AtMs);
        if (method.Final is { } deviated)
            return (Verdicts.Failed, $"The hypothesis did not hold over the method: probe '{deviated.Probe}': {deviated.Problem}", deviated.Probe, deviated.FirstFailureAtMs);

        // After: the system must be back in its steady state.
        var after = await PhaseAsync("after", probes, rounds: 3, every, stopOnBreach: false, cancellationToken);
        if (cancellationToken.IsCancellationRequested) return Cancelled();
        if (after.Final is { } notBack)
            return (Verdicts.Failed, $"The hypothesis did not hold after the method: probe '{notBack.Probe}': {notBack.Problem}", notBack.Probe, notBack.FirstFailureAtMs);
        return (Verdicts.Held, $"The hypothesis held before, during and after the method ({probes.Count} probes, {_probes.Sum(p => p.Samples)} samples).", null, null);
    }

    private (string, string, string?, long?) Cancelled()
    {
        const string why = "The run was cancelled (its caller went away); it was rolled back.";
        Event("abort", why);
        return (Verdicts.Aborted, why, null, Now);
    }

    // ---- the hypothesis ----------------------------------------------------------------------------------------------

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
                ok ? null : state.FirstFailureAt);
        }
        var samples = state.Samples;
        var passed = samples.Count(s => s.Passed);
        var passRatio = samples.Count > 0 ? passed / (double)samples.Count : (double?)null;
        var p99 = samples.Count > 0 ? Percentile(samples.Select(s => s.Ms), 0.99) : (double?)null;
        var minPass = tolerance?.MinPassRatio ?? 1.0;
        string? problem = null;
        var enough = final || minPass >= 1 || samples.Count >= MinSamplesForRatio;
        if (passRatio is { } r && r < minPass && enough)
            problem = $"{passed} of {samples.Count} samples passed ({r:P0}), below {minPass:P0}; last failure: {samples.Last(s => !s.Passed).Detail}";
        else if (tolerance?.MaxP99Ms is { } maxP99 && p99 is { } p && p > maxP99 && (final || samples.Count >= MinSamplesForRatio))
            problem = $"p99 {p:0} ms is above {maxP99:0} ms";
        return new ProbeResult(probe.Name!, phase, samples.Count, passed, passRatio, p99, null, null, problem is null, problem,
            problem is null ? null : state.FirstFailureAt ?? samples.LastOrDefault().At);
    }

    private static double Percentile(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    // ---- the method and rollbacks ------------------------------------------------------------------------------------

    private async Task<StepResult?> StepsAsync(string phase, IReadOnlyList<Step> steps, CancellationToken ct)
    {
        foreach (var step in steps)
        {
            if (ct.IsCancellationRequested) return null;
            if (step.Load is { } load)
            {
                StartLoad(step.Node ?? 1, step.Name, load, phase, ct);
                continue;
            }
            var at = Now;
            var (ok, name, detail) = await StepAsync(step, ct);
            var result = new StepResult(phase, KindOf(step), name, at, Now - at, ok, detail);
            lock (_lock) _steps.Add(result);
            if (!ok && phase == "method" && !ct.IsCancellationRequested) return result;
        }
        return null;
    }

    private static string KindOf(Step step) =>
        step.Inject is not null ? "inject" : step.Clear is not null ? "clear" : step.Wait is not null ? "wait" : step.Load is not null ? "load" : step.Kill is not null ? "kill" : "http";

    /// <summary>"node 2: " when the experiment has several nodes, else nothing.</summary>
    private string On(int node) => targets.Count > 1 ? $"node {node}: " : "";

    private async Task<(bool Ok, string Name, string Detail)> StepAsync(Step step, CancellationToken ct)
    {
        var node = step.Node ?? 1;
        if (step.Inject is { } inject)
        {
            var name = step.Name ?? $"inject into {inject.Dependency}";
            var (status, body) = await SendAsync(node, HttpMethod.Post, $"/api/faults/{inject.Dependency}", inject.Fault!.Value.GetRawText(), CancellationToken.None);
            var ok = status == 200;
            if (ok || status == 502) _injected.Add((node, inject.Dependency!, ScopeOf(inject.Fault.Value))); // 502: some members took it
            Event(ok ? "inject" : "inject-failed", $"{inject.Dependency}: {On(node)}{inject.Fault.Value.GetRawText()}{(ok ? "" : $" -> {status} {body}")}");
            return (ok, name, ok ? "injected" : $"{status}: {body}");
        }
        if (step.Clear is { } clear)
        {
            var name = step.Name ?? $"clear {clear.Dependency}";
            var (status, body) = await SendAsync(node, HttpMethod.Delete, $"/api/faults/{clear.Dependency}?scope={clear.Scope ?? "node"}", null, CancellationToken.None);
            var ok = status == 200;
            if (ok) _injected.Remove((node, clear.Dependency!, clear.Scope ?? "node"));
            Event("clear", $"{clear.Dependency}: {On(node)}{(ok ? "cleared" : $"-> {status} {body}")}");
            return (ok, name, ok ? "cleared" : $"{status}: {body}");
        }
        if (step.Kill is not null) return await KillAsync(node, step.Name ?? $"node {node} is killed");
        if (step.Wait is { Seconds: { } seconds })
        {
            var name = step.Name ?? $"wait {seconds:0.#} s";
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
                return (true, name, "waited");
            }
            catch (OperationCanceledException)
            {
                return (false, name, "stopped: the hypothesis broke");
            }
        }
        var check = step.Http!;
        var label = step.Name ?? $"{check.Method ?? "GET"} {check.Path}";
        var deadline = Now + (long)((check.WithinSeconds ?? 0) * 1000);
        while (true)
        {
            var (passed, _, detail) = await RequestAsync(node, check, capture: true, CancellationToken.None);
            if (passed || Now >= deadline || ct.IsCancellationRequested)
            {
                Event(passed ? "check" : "check-failed", $"{label}: {detail}");
                return (passed, label, detail);
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
            catch (OperationCanceledException)
            {
                return (false, label, "stopped: the hypothesis broke");
            }
        }
    }

    /// <summary>
    /// Starts a load: its callers each send the request again as soon as it is answered, until its time is up or the
    /// run stops it. Its step result (answers by status, rate, p50 and p99) is recorded when it ends.
    /// </summary>
    private void StartLoad(int node, string? stepName, LoadStep load, string phase, CancellationToken ct)
    {
        var method = new HttpMethod((load.Method ?? "GET").ToUpperInvariant());
        var path = Substitute(load.Path!);
        var body = load.Body is { } b ? Substitute(b.GetRawText()) : null;
        var name = stepName ?? $"load: {load.Concurrency} x {method} {path}";
        var callers = load.Concurrency!.Value;
        var length = TimeSpan.FromSeconds(load.Seconds!.Value);
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var times = new System.Collections.Concurrent.ConcurrentBag<double>();
        var at = Now;
        Event("load", $"{name}: {On(node)}{callers} callers send {method} {path}{(load.PerSecond is { } perSecond ? $", {perSecond:0.#} a second in all," : "")} for {length.TotalSeconds:0.#} s");
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct); // ct: the method's, cancelled however it ends
        stop.CancelAfter(length);
        // With a rate, each caller sends its share: one request every `pace`, or as soon as the last is answered if later.
        var pace = load.PerSecond is { } rate ? TimeSpan.FromSeconds(callers / rate) : TimeSpan.Zero;
        async Task Caller()
        {
            while (!stop.IsCancellationRequested)
            {
                var watch = Stopwatch.StartNew();
                var (status, _) = await SendAsync(node, method, path, body, stop.Token);
                if (stop.IsCancellationRequested && status == 0) break; // cut short by the end of the load, not an answer
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (times.Count < 200_000) times.Add(watch.Elapsed.TotalMilliseconds);
                // No answer at all (the node is gone, or refuses connections): try again a little later, not in a tight loop.
                var wait = status == 0 ? TimeSpan.FromMilliseconds(Math.Max(200, pace.TotalMilliseconds)) : pace;
                if (wait > watch.Elapsed)
                {
                    try
                    {
                        await Task.Delay(wait - watch.Elapsed, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }
        }
        var run = Task.Run(async () =>
        {
            try
            {
                await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(Caller)));
            }
            finally
            {
                stop.Dispose();
            }
            var took = Now - at;
            var total = statuses.Values.Sum();
            var answers = string.Join(", ", statuses.OrderBy(kv => kv.Key).Select(kv => $"{(kv.Key == 0 ? "no answer" : kv.Key.ToString(CultureInfo.InvariantCulture))} x{kv.Value}"));
            var latency = times.IsEmpty ? "" : $"; p50 {Percentile(times, 0.5):0} ms, p99 {Percentile(times, 0.99):0} ms";
            var detail = $"{total} requests in {took / 1000.0:0.0} s ({total / Math.Max(0.001, took / 1000.0):0}/s): {(total == 0 ? "none answered" : answers)}{latency}";
            lock (_lock) _steps.Add(new StepResult(phase, "load", name, at, took, true, detail));
            Event("load-ended", $"{name}: {detail}");
        }, CancellationToken.None);
        lock (_lock) _loads.Add(run);
    }

    /// <summary>
    /// Kills <paramref name="node"/> (<c>POST /api/node/kill</c>: the process ends at once, with no leaving of any
    /// kind, as <c>kill -9</c> would end it) and waits until it answers no more.
    /// </summary>
    private async Task<(bool Ok, string Name, string Detail)> KillAsync(int node, string name)
    {
        var (status, body) = await SendAsync(node, HttpMethod.Post, "/api/node/kill", null, CancellationToken.None);
        if (status != 202)
        {
            Event("kill-failed", $"{On(node)}{status} {body}");
            return (false, name, $"the node did not take the kill: {status}: {body}");
        }
        _killed.Add(node);
        var gone = Now + 15_000;
        while (Now < gone)
        {
            await Task.Delay(200, CancellationToken.None);
            if ((await SendAsync(node, HttpMethod.Get, "/health/live", null, CancellationToken.None)).Status == 0)
            {
                Event("kill", $"{On(node)}{targets[node - 1]} killed; it no longer answers");
                return (true, name, "killed; it no longer answers");
            }
        }
        Event("kill-failed", $"{On(node)}it still answers 15 s after the kill");
        return (false, name, "it still answers 15 s after the kill");
    }

    // ---- HTTP --------------------------------------------------------------------------------------------------------

    private async Task<(bool Passed, double Ms, string Detail)> RequestAsync(int node, HttpCheck check, bool capture, CancellationToken ct)
    {
        var method = new HttpMethod((check.Method ?? "GET").ToUpperInvariant());
        var path = Substitute(check.Path!);
        var body = check.Body is { } b ? Substitute(b.GetRawText()) : null;
        var watch = Stopwatch.StartNew();
        var (status, text) = await SendAsync(node, method, path, body, ct);
        var ms = watch.Elapsed.TotalMilliseconds;
        var expected = check.Status ?? [200];
        if (!expected.Contains(status)) return (false, ms, $"{method} {path} answered {status}, not {string.Join(" or ", expected)}: {Shorten(text)}");
        if (check.Json is null && check.Capture is null) return (true, ms, $"{method} {path} answered {status} in {ms:0} ms");
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return (false, ms, $"{method} {path} answered {status} with a body that is not JSON: {Shorten(text)}");
        }
        foreach (var (property, want) in check.Json ?? new Dictionary<string, JsonElement>())
        {
            var got = JsonPath.Find(root, property);
            var allowed = want.ValueKind == JsonValueKind.Array ? want.EnumerateArray().ToList() : [want];
            if (got is not { } value || !allowed.Any(a => JsonEquals(a, value)))
                return (false, ms, $"{method} {path}: {property} is {got?.GetRawText() ?? "missing"}, not {want.GetRawText()}");
        }
        if (capture)
        {
            foreach (var (variable, property) in check.Capture ?? new Dictionary<string, string>())
            {
                if (JsonPath.Find(root, property) is not { ValueKind: JsonValueKind.String or JsonValueKind.Number } value || !SafeValue().IsMatch(value.ToString()))
                    return (false, ms, $"{method} {path}: cannot capture {variable} from {property}");
                _variables[variable] = value.ToString();
            }
        }
        return (true, ms, $"{method} {path} answered {status} in {ms:0} ms as expected");
    }

    private async Task<(int Status, string Body)> SendAsync(int node, HttpMethod method, string path, string? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(targets[node - 1], path));
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        else if (method != HttpMethod.Get) request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(RequestLimit);
        try
        {
            using var response = await http.SendAsync(request, limit.Token);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(limit.Token));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return (0, $"no answer: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>A read-only view of the latest /metrics: guarded calls answered (a value, or the dependency's refusal of the caller's request), and all, for the probe's tier or dependency.</summary>
    private async Task<(double Success, double Total)?> MetricAsync(int node, MetricCheck metric, CancellationToken ct)
    {
        var (status, text) = await SendAsync(node, HttpMethod.Get, "/metrics", null, ct);
        if (status != 200) return null;
        double success = 0, total = 0;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith("orchestrator_calls_total{", StringComparison.Ordinal)) continue;
            var close = line.LastIndexOf('}');
            var labels = CallLabels().Matches(line[..close]).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
            if (metric.Tier is { } tier && !string.Equals(labels.GetValueOrDefault("tier"), tier, StringComparison.OrdinalIgnoreCase)) continue;
            if (metric.Dependency is { } dependency && labels.GetValueOrDefault("dependency") != dependency) continue;
            if (!double.TryParse(line[(close + 1)..].Trim().Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) continue;
            total += value;
            if (labels.GetValueOrDefault("outcome") is "Succeeded" or "Fallback" or "Refused") success += value; // a refusal is an answer (the caller's error)
        }
        return (success, total);
    }

    private static string ScopeOf(JsonElement fault) =>
        fault.TryGetProperty("scope", out var scope) && scope.ValueKind == JsonValueKind.String ? scope.GetString()!.ToLowerInvariant() : "node";

    private static bool JsonEquals(JsonElement a, JsonElement b) => a.ValueKind switch
    {
        JsonValueKind.Number => b.ValueKind == JsonValueKind.Number && a.GetDouble() == b.GetDouble(),
        JsonValueKind.String => b.ValueKind == JsonValueKind.String && a.GetString() == b.GetString(),
        _ => a.GetRawText() == b.GetRawText(),
    };

    private string Substitute(string text) =>
        _variables.IsEmpty ? text : Variable().Replace(text, m => _variables.GetValueOrDefault(m.Groups[1].Value) ?? m.Value);

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    private void Event(string kind, string detail)
    {
        lock (_lock) _events.Add(new ReportEvent(Now, kind, detail));
    }

    [GeneratedRegex(@"\$\{([A-Za-z0-9]{1,40})\}")]
    private static partial Regex Variable();

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,200}$")]
    private static partial Regex SafeValue();

    [GeneratedRegex("([a-z_]+)=\"([^\"]*)\"")]
    private static partial Regex CallLabels();
}
