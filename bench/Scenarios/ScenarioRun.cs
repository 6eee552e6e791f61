using System.Diagnostics;
using Orchestrator.Bench.Scenarios.Definitions;
using Orchestrator.Bench.Scenarios.Measurement;
using Orchestrator.Bench.Scenarios.Simulation;
using Orchestrator.Bench.Scenarios.Ways;

namespace Orchestrator.Bench.Scenarios;

/// <summary>
/// Runs one scenario one way: fresh simulated dependencies following the scenario's script, an open-loop load
/// (requests are sent on schedule whether or not earlier ones were answered), every request recorded. When the
/// load ends, requests still waiting get until the deadline to be answered; any still open then are cut and
/// count as failed.
/// </summary>
public static class ScenarioRun
{
    public static async Task<WayResult> RunAsync(Scenario scenario, ProtectionKind way, TimeSpan duration)
    {
        var clock = new Stopwatch();
        var faultStart = duration * scenario.FaultStarts;
        var faultEnd = duration * scenario.FaultEnds;
        var dependencies = scenario.Dependencies.ToDictionary(d => d.Name, d => new SimulatedDependency(d.Name, d.Workers,
            t => d.DuringFault is { } fault && t >= faultStart && t < faultEnd ? fault : DependencyBehaviour.Healthy(d.Latency), clock));
        var settings = ProtectionSettings.For(duration);
        await using var protection = await StartAsync(scenario, way, settings).ConfigureAwait(false);

        var total = (long)(scenario.Rate * duration.TotalSeconds);
        var records = new CallRecord[total];
        var requests = new CallRequest[total];
        var running = new Task[total];
        var flood = new List<(CallRecord Record, CallRequest Request, Task Running)>();
        var floodSent = 0L;
        var levels = new List<LevelPoint>();
        using var sampling = new CancellationTokenSource();
        var sampler = SampleLevelsAsync(protection, clock, levels, sampling.Token);
        clock.Start();
        long sent = 0;
        while (sent < total)
        {
            var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * scenario.Rate) + 1);
            for (; sent < due; sent++)
            {
                var spec = scenario.DependencyOf(sent);
                var request = new CallRequest(dependencies[spec.Name], Scenario.TierOf(sent), scenario.Deadline);
                var record = new CallRecord(clock.Elapsed, spec.Name, request.Tier);
                records[sent] = record;
                requests[sent] = request;
                running[sent] = Send(protection, request, record, clock);
            }
            if (scenario.Flood is { } floodSpec && clock.Elapsed >= faultStart)
            {
                var floodTotal = (long)((faultEnd - faultStart).TotalSeconds * floodSpec.PerSecond);
                var floodDue = Math.Min(floodTotal, (long)((clock.Elapsed - faultStart).TotalSeconds * floodSpec.PerSecond) + 1);
                for (; floodSent < floodDue; floodSent++)
                {
                    // The bad input of a page's IMPORTANT part (the product page's stock): it has a fallback, which must not answer it.
                    var request = new CallRequest(dependencies[floodSpec.Dependency], Contracts.Tier.Important, scenario.Deadline, badInput: true);
                    var record = new CallRecord(clock.Elapsed, floodSpec.Dependency, request.Tier);
                    flood.Add((record, request, Send(protection, request, record, clock)));
                }
            }
            await Task.Delay(2).ConfigureAwait(false);
        }

        var all = Task.WhenAll(running.Concat(flood.Select(f => f.Running)));
        await Task.WhenAny(all, Task.Delay(scenario.Deadline)).ConfigureAwait(false);
        var cutAt = clock.Elapsed;
        for (var i = 0; i < total; i++)
            if (!running[i].IsCompleted) records[i].Cut(cutAt - records[i].Start, requests[i].Attempts, requests[i].Hedges);
        foreach (var (record, request, task) in flood)
            if (!task.IsCompleted) record.Cut(cutAt - record.Start, request.Attempts, request.Hedges);
        sampling.Cancel();
        await sampler.ConfigureAwait(false);
        foreach (var dependency in dependencies.Values) dependency.Shutdown();
        return WayMetrics.Compute(scenario, way, records, duration) with
        {
            Flood = scenario.Flood is null ? null : WayMetrics.Flood(flood.Select(f => f.Record).ToList(), scenario.Deadline),
            Levels = levels.Count == 0 ? null : levels,
        };
    }

    /// <summary>Starts <paramref name="way"/> for <paramref name="scenario"/>, with <paramref name="settings"/>.</summary>
    public static async Task<IProtection> StartAsync(Scenario scenario, ProtectionKind way, ProtectionSettings settings) => way switch
    {
        ProtectionKind.None => new NoProtection(),
        ProtectionKind.Polly => new PollyProtection(scenario, settings),
        ProtectionKind.PollyHedging => new PollyProtection(scenario, settings, HedgeDelayOf(scenario)),
        ProtectionKind.OrchestratorCountingCallerErrors => await OrchestratorProtection.StartAsync(scenario, settings, countCallerErrors: true).ConfigureAwait(false),
        ProtectionKind.OrchestratorHedging => await OrchestratorProtection.StartAsync(scenario, settings,
            hedging: new OrchestratorProtection.Hedging(HedgeDelayOf(scenario))).ConfigureAwait(false),
        ProtectionKind.OrchestratorHedgingP90 => await OrchestratorProtection.StartAsync(scenario, settings,
            hedging: new OrchestratorProtection.Hedging(HedgeDelayOf(scenario), ProtectionSettings.HedgePercentile)).ConfigureAwait(false),
        _ => await OrchestratorProtection.StartAsync(scenario, settings).ConfigureAwait(false),
    };

    private static TimeSpan HedgeDelayOf(Scenario scenario) =>
        scenario.HedgeDelay ?? throw new ArgumentException($"Scenario '{scenario.Name}' has no hedge delay: it runs no hedging way.", nameof(scenario));

    /// <summary>Reads the way's stress level four times a second while the run lasts (nothing for a way without one).</summary>
    private static async Task SampleLevelsAsync(IProtection protection, Stopwatch clock, List<LevelPoint> levels, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (await protection.LevelAsync().ConfigureAwait(false) is not { } level) return;
                lock (levels) levels.Add(new LevelPoint(Math.Round(clock.Elapsed.TotalSeconds, 2), level, (int)level));
                await Task.Delay(250, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // the run is over
        }
    }

    private static async Task Send(IProtection protection, CallRequest request, CallRecord record, Stopwatch clock)
    {
        var answer = await protection.CallAsync(request).ConfigureAwait(false);
        record.Complete(answer, clock.Elapsed - record.Start, request.Attempts, request.Hedges, request.AnsweredByHedge);
    }
}
