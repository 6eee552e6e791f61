using Orchestrator.Actors.Coordination;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Coordination;

public sealed class NodeStressSignalsTests
{
    [Fact]
    public void Calls_the_node_turned_away_itself_and_the_callers_own_errors_are_not_read_as_trouble()
    {
        var stats = new DependencyStats();
        stats.Count(CallOutcome.Rejected, TimeSpan.Zero, DegradationReason.FeatureDisabled);
        stats.Count(CallOutcome.Fallback, TimeSpan.Zero, DegradationReason.Shed);
        stats.Count(CallOutcome.Refused, TimeSpan.Zero);
        Assert.Equal(0, stats.Troubled);
        Assert.Equal(1, stats.Snapshot().Refused);
        stats.Count(CallOutcome.Fallback, TimeSpan.Zero, DegradationReason.BreakerOpen);
        stats.Count(CallOutcome.Failed, TimeSpan.Zero, DegradationReason.Error);
        stats.Count(CallOutcome.Succeeded, TimeSpan.Zero);
        Assert.Equal(2, stats.Troubled);
    }
}

public sealed class NodeStressSignalsFloodTests
{
    private static (NodeStressSignals Signals, DependencyHandle Inventory) Node()
    {
        var options = new DependencyOptions();
        var inventory = new DependencyHandle("inventory", options, TimeProvider.System, NodeControls.None());
        var directory = new DependencyDirectory(new Dictionary<string, DependencyHandle> { ["inventory"] = inventory }, ["inventory"]);
        return (new NodeStressSignals(directory, new StressOptions(), TimeProvider.System), inventory);
    }

    [Fact]
    public void A_flood_of_refusals_leaves_the_error_rate_at_zero_and_a_flood_of_failures_does_not()
    {
        var (signals, inventory) = Node();
        signals.Read(); // the first sample only sets the baseline
        for (var i = 0; i < 500; i++) inventory.Stats.Count(CallOutcome.Refused, TimeSpan.FromMilliseconds(2));
        var afterRefusals = signals.Read();
        Assert.Equal(0, afterRefusals.ErrorRate);
        Assert.StartsWith("0 of 500 calls degraded", afterRefusals.Sources[StressSignal.ErrorRate]);

        for (var i = 0; i < 50; i++) inventory.Stats.Count(CallOutcome.Failed, TimeSpan.FromMilliseconds(2), DegradationReason.Error);
        var afterFailures = signals.Read();
        Assert.Equal(1, afterFailures.ErrorRate);
        Assert.Contains("inventory: 50 of 50", afterFailures.Sources[StressSignal.ErrorRate]);
    }

    [Fact]
    public void One_slow_call_on_a_quiet_node_is_not_stress_but_a_sample_of_slow_calls_is()
    {
        var (signals, inventory) = Node();
        signals.Read();
        inventory.Stats.Count(CallOutcome.Failed, TimeSpan.FromSeconds(2), DegradationReason.Timeout); // a request that hung until its timeout
        var one = signals.Read();
        Assert.Equal(0, one.Latency);
        Assert.Equal(0, one.ErrorRate);
        Assert.Equal("1 call (mean 2000 ms), too few to judge (fewer than 20)", one.Sources[StressSignal.Latency]);

        for (var i = 0; i < NodeStressSignals.MinimumCallsToJudge; i++) inventory.Stats.Count(CallOutcome.Succeeded, TimeSpan.FromSeconds(1));
        var many = signals.Read();
        Assert.Equal(1, many.Latency); // 1 s mean against a 500 ms target: at the top of the scale
        Assert.StartsWith("mean call time 1000 ms", many.Sources[StressSignal.Latency]);
    }
}
