using System.Diagnostics;
using System.Globalization;

namespace Orchestrator.Experiments;

// The experiment runner: the method and the rollbacks: inject, clear, wait, HTTP checks, load, kill.
public sealed partial class ExperimentRunner
{
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
            var (status, body) = await SendAsync(node, HttpMethod.Post, NodePaths.FaultOf(inject.Dependency!), inject.Fault!.Value.GetRawText(), CancellationToken.None);
            var ok = status == 200;
            if (ok || status == 502) _injected.Add((node, inject.Dependency!, ScopeOf(inject.Fault.Value))); // 502: some members took it
            Event(ok ? "inject" : "inject-failed", $"{inject.Dependency}: {On(node)}{inject.Fault.Value.GetRawText()}{(ok ? "" : $" -> {status} {body}")}");
            return (ok, name, ok ? "injected" : $"{status}: {body}");
        }
        if (step.Clear is { } clear)
        {
            var name = step.Name ?? $"clear {clear.Dependency}";
            var (status, body) = await SendAsync(node, HttpMethod.Delete, $"{NodePaths.FaultOf(clear.Dependency!)}?scope={clear.Scope ?? "node"}", null, CancellationToken.None);
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
        // The load ends after `length`: its callers send nothing more, and the requests they sent get their answers (as
        // when a rush ends: its last requests are not torn down; a cancelled one would count as a call the node did not
        // answer). ct, the method's, cancels those too when the method stops early (an abort).
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(length);
        // With a rate, each caller sends its share: one request every `pace`, or as soon as the last is answered if later.
        var pace = load.PerSecond is { } rate ? TimeSpan.FromSeconds(callers / rate) : TimeSpan.Zero;
        async Task Caller()
        {
            while (!stop.IsCancellationRequested)
            {
                var watch = Stopwatch.StartNew();
                var (status, _) = await SendAsync(node, method, path, body, ct);
                if (ct.IsCancellationRequested && status == 0) break; // cut short by the method's end, not an answer
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
        var (status, body) = await SendAsync(node, HttpMethod.Post, NodePaths.Kill, null, CancellationToken.None);
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
            if ((await SendAsync(node, HttpMethod.Get, NodePaths.Live, null, CancellationToken.None)).Status == 0)
            {
                Event("kill", $"{On(node)}{targets[node - 1]} killed; it no longer answers");
                return (true, name, "killed; it no longer answers");
            }
        }
        Event("kill-failed", $"{On(node)}it still answers 15 s after the kill");
        return (false, name, "it still answers 15 s after the kill");
    }
}
