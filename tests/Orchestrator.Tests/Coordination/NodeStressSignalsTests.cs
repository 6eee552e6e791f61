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
}
