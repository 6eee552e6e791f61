using System.Diagnostics;

namespace Orchestrator.Experiments;

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
    private (int Node, string? Value, List<string> Dependencies)? _blame;

    private long Now => _clock.ElapsedMilliseconds;

    /// <summary>Runs <paramref name="experiment"/> (validated) and answers its report.</summary>
    public async Task<ExperimentReport> RunAsync(Experiment experiment, CancellationToken cancellationToken)
    {
        if (targets.Count != experiment.NodeCount)
            throw new ArgumentException($"The experiment runs against {experiment.NodeCount} node(s); {targets.Count} address(es) were given.", nameof(targets));
        var started = DateTimeOffset.UtcNow;
        _clock.Start();
        // Faults it did not inject would make the verdict meaningless, and its rollbacks could clear them: it runs nothing.
        if (await ForeignFaultsAsync(cancellationToken) is { Count: > 0 } foreign)
        {
            var refusal = $"It did not start: {foreign.Count} fault(s) it did not inject are active: {string.Join("; ", foreign)}. Clear them, or wait until they end, and run it again.";
            Event("refused", refusal);
            return new ExperimentReport(experiment.Title!, Verdicts.Refused, refusal, started, Now, targets.Select(t => t.ToString()).ToList(), [], [], [], _events.ToList())
            { ForeignFaults = foreign };
        }
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
                var (status, body) = await SendAsync(node, HttpMethod.Delete, $"{NodePaths.FaultOf(dependency)}?scope={scope}", null, CancellationToken.None);
                Event("clear", $"{dependency}: {On(node)}left by the run, cleared after the rollbacks{(status == 200 ? "" : $" -> {status} {body}")}");
            }
            _phases.Add(new ReportPhase("rollbacks", rollbacksStart, Now));
        }
        Event("verdict", $"{verdict}: {reason}");
        return new ExperimentReport(experiment.Title!, verdict, reason, started, Now, targets.Select(t => t.ToString()).ToList(),
            _phases.OrderBy(p => p.StartMs).ToList(), _probes, _steps.OrderBy(s => s.AtMs).ToList(), _events.OrderBy(e => e.AtMs).ToList())
        { FailedProbe = failedProbe, FailedAtMs = failedAt, FailedNode = _blame?.Node, FailedValue = _blame?.Value, Dependencies = _blame?.Dependencies };
    }

    private async Task<(string Verdict, string Reason, string? FailedProbe, long? FailedAt)> JudgeAsync(Experiment experiment, CancellationToken cancellationToken)
    {
        var probes = experiment.SteadyState!.Probes!;
        var every = experiment.SteadyState.EverySeconds is { } s ? TimeSpan.FromSeconds(s) : DefaultEvery;

        // Before: the system must be in its steady state, or nothing is injected.
        var start = await DependenciesAsync();
        var before = await PhaseAsync("before", probes, rounds: 3, every, stopOnBreach: false, cancellationToken);
        if (cancellationToken.IsCancellationRequested) return Cancelled();
        if (before.Final is { } notSteady)
            return (Verdicts.Failed, $"The hypothesis did not hold before the method, so nothing was injected: probe '{notSteady.Probe}': {notSteady.Problem}.{await BlameAsync(experiment, notSteady, start)}",
                notSteady.Probe, notSteady.FirstFailureAtMs);
        start = await DependenciesAsync();

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
            var why = $"The hypothesis broke during the method: probe '{broke.Probe}' at {broke.FirstFailureAtMs / 1000.0:0.0} s: {broke.Problem}.{await BlameAsync(experiment, broke, start)} The method was stopped and rolled back.";
            Event("abort", why);
            return (Verdicts.Aborted, why, broke.Probe, broke.FirstFailureAtMs);
        }
        if (cancellationToken.IsCancellationRequested) return Cancelled();
        if (failedStep is not null) return (Verdicts.Failed, $"A step of the method failed: {failedStep.Step}: {failedStep.Detail}", null, failedStep.AtMs);
        if (method.Final is { } deviated)
            return (Verdicts.Failed, $"The hypothesis did not hold over the method: probe '{deviated.Probe}': {deviated.Problem}.{await BlameAsync(experiment, deviated, start)}", deviated.Probe, deviated.FirstFailureAtMs);

        // After: the system must be back in its steady state.
        var after = await PhaseAsync("after", probes, rounds: 3, every, stopOnBreach: false, cancellationToken);
        if (cancellationToken.IsCancellationRequested) return Cancelled();
        if (after.Final is { } notBack)
            return (Verdicts.Failed, $"The hypothesis did not hold after the method: probe '{notBack.Probe}': {notBack.Problem}.{await BlameAsync(experiment, notBack, start)}", notBack.Probe, notBack.FirstFailureAtMs);
        return (Verdicts.Held, $"The hypothesis held before, during and after the method ({probes.Count} probes, {_probes.Sum(p => p.Samples)} samples).", null, null);
    }

    /// <summary>
    /// Names what broke the hypothesis: the probe's node, the value against its tolerance, and the dependencies of
    /// that node in trouble now (since <paramref name="since"/>); kept for the report and answered as a sentence.
    /// </summary>
    private async Task<string> BlameAsync(Experiment experiment, ProbeResult probe, Dictionary<int, List<DependencyView>> since)
    {
        var node = experiment.SteadyState!.Probes!.FirstOrDefault(p => p?.Name == probe.Probe)?.Node ?? 1;
        var dependencies = await SuspectsAsync(node, since);
        var value = probe.Measured is { } measured ? $"{measured}; allowed: {probe.Limit}" : probe.Problem;
        _blame = (node, value, dependencies);
        return dependencies.Count > 0
            ? $" Dependencies in trouble{On(node, " on ")} then: {string.Join("; ", dependencies)}."
            : $" No dependency{On(node, " on ")} was in trouble then (breakers closed, no faults, no failures).";
    }

    private (string, string, string?, long?) Cancelled()
    {
        const string why = "The run was cancelled (its caller went away); it was rolled back.";
        Event("abort", why);
        return (Verdicts.Aborted, why, null, Now);
    }
}
