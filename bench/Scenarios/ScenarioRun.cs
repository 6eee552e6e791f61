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
        await using IProtection protection = way switch
        {
            ProtectionKind.None => new NoProtection(),
            ProtectionKind.Polly => new PollyProtection(scenario, settings),
            _ => await OrchestratorProtection.StartAsync(scenario, settings).ConfigureAwait(false),
        };

        var total = (long)(scenario.Rate * duration.TotalSeconds);
        var records = new CallRecord[total];
        var requests = new CallRequest[total];
        var running = new Task[total];
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
            await Task.Delay(2).ConfigureAwait(false);
        }

        var all = Task.WhenAll(running);
        await Task.WhenAny(all, Task.Delay(scenario.Deadline)).ConfigureAwait(false);
        var cutAt = clock.Elapsed;
        for (var i = 0; i < total; i++)
            if (!running[i].IsCompleted) records[i].Cut(cutAt - records[i].Start, requests[i].Attempts);
        foreach (var dependency in dependencies.Values) dependency.Shutdown();
        return WayMetrics.Compute(scenario, way, records, duration);
    }

    private static async Task Send(IProtection protection, CallRequest request, CallRecord record, Stopwatch clock)
    {
        var answer = await protection.CallAsync(request).ConfigureAwait(false);
        record.Complete(answer, clock.Elapsed - record.Start, request.Attempts);
    }
}
