using System.Diagnostics;
using Orchestrator.Bench.Scenarios;
using Orchestrator.Bench.Scenarios.Definitions;
using Orchestrator.Bench.Scenarios.Simulation;
using Orchestrator.Bench.Scenarios.Ways;
using Orchestrator.Contracts;

namespace Orchestrator.Bench.Tests;

/// <summary>
/// The hedging ways of the scenario runner hedge a slow call, and the ones without do not hedge: a dependency whose
/// first call takes 10 s and every other 20 ms, a hedge delay of 50 ms, timeouts and a deadline far beyond. The hedge
/// answers unless the test process stalls for most of 10 s; no latency is asserted.
/// </summary>
public sealed class HedgingWaysTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    private static readonly Scenario OneDependency =
        new("hedge-check", "One dependency; its first call is slow.", [new DependencySpec("search", 10, Fast)], LoadFactor: 0.1, Long, 0, 0)
        {
            HedgeDelay = TimeSpan.FromMilliseconds(50),
        };

    /// <summary>The runner's settings, but an attempt may run as long as the caller waits: only the hedge can answer early.</summary>
    private static readonly ProtectionSettings Patient = ProtectionSettings.For(TimeSpan.FromSeconds(15)) with { AttemptTimeout = Long };

    [Theory]
    [InlineData(ProtectionKind.PollyHedging)]
    [InlineData(ProtectionKind.OrchestratorHedging)]
    [InlineData(ProtectionKind.OrchestratorHedgingP90)]
    public async Task A_hedging_way_hedges_a_slow_call_and_the_hedge_answers(ProtectionKind way)
    {
        var dependency = FirstCallSlow();
        try
        {
            await using var protection = await ScenarioRun.StartAsync(OneDependency, way, Patient);
            var request = new CallRequest(dependency, Tier.Critical, Long);

            var answer = await protection.CallAsync(request);

            Assert.Equal(Answer.Succeeded, answer);
            Assert.Equal(1, request.Hedges);
            Assert.True(request.AnsweredByHedge, $"{way}: the slow first attempt answered, not the hedge");
            Assert.Equal(2, request.Attempts);
            Assert.Equal(2, dependency.Calls);
        }
        finally
        {
            dependency.Shutdown();
        }
    }

    [Theory]
    [InlineData(ProtectionKind.Polly)]
    [InlineData(ProtectionKind.Orchestrator)]
    public async Task A_way_without_hedging_makes_no_hedge(ProtectionKind way)
    {
        // Every call fast: the way answers at once, and has nothing to report of hedges.
        var dependency = new SimulatedDependency("search", 10, _ => DependencyBehaviour.Healthy(Fast), Stopwatch.StartNew());
        try
        {
            await using var protection = await ScenarioRun.StartAsync(OneDependency, way, Patient);
            var request = new CallRequest(dependency, Tier.Critical, Long);

            Assert.Equal(Answer.Succeeded, await protection.CallAsync(request));
            Assert.Equal(0, request.Hedges);
            Assert.False(request.AnsweredByHedge);
            Assert.Equal(1, request.Attempts);
        }
        finally
        {
            dependency.Shutdown();
        }
    }

    /// <summary>'search': its first call takes <see cref="Slow"/>, holding a worker; every later call <see cref="Fast"/>.</summary>
    private static SimulatedDependency FirstCallSlow()
    {
        var calls = 0;
        return new SimulatedDependency("search", 10,
            _ => Interlocked.Increment(ref calls) == 1 ? DependencyBehaviour.SlowTail(Fast, 1.0, Slow) : DependencyBehaviour.Healthy(Fast),
            Stopwatch.StartNew());
    }
}
