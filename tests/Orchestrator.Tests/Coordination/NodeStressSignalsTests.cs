using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Coordination;

public sealed class NodeStressSignalsTests
{
    [Fact]
    public void Calls_the_node_turned_away_itself_and_small_samples_are_not_read_as_trouble()
    {
        var stats = new DependencyStats();
        stats.Count(CallOutcome.Rejected, TimeSpan.Zero, DegradationReason.FeatureDisabled);
        stats.Count(CallOutcome.Fallback, TimeSpan.Zero, DegradationReason.Shed);
        Assert.Equal(0, stats.Troubled);
        stats.Count(CallOutcome.Fallback, TimeSpan.Zero, DegradationReason.BreakerOpen);
        stats.Count(CallOutcome.Failed, TimeSpan.Zero, DegradationReason.Error);
        stats.Count(CallOutcome.Succeeded, TimeSpan.Zero);
        Assert.Equal(2, stats.Troubled);
    }
}
