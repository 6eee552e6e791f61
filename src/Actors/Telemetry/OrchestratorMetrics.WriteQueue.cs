using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orchestrator.Actors.Telemetry;

internal static partial class OrchestratorMetrics
{
    /// <summary>The observable instruments of the write queues (from the static constructor, after the meter exists; the meter keeps them).</summary>
    private static void CreateObservableInstruments()
    {
        Meter.CreateObservableGauge("orchestrator.writequeue.depth", ObserveWriteQueueDepth, "{write}",
            "Writes waiting in the durable write queue for delivery, by queue.");
        Meter.CreateObservableGauge("orchestrator.writequeue.oldest_age", ObserveWriteQueueOldestAge, "s",
            "How long the oldest write waiting in the write queue has waited (0 when none waits), by queue.");
    }

    private static IEnumerable<Measurement<int>> ObserveWriteQueueDepth()
    {
        foreach (var queue in WriteQueueGauges.All)
            yield return new Measurement<int>(queue.Depth, new TagList { { "queue", queue.Queue } });
    }

    private static IEnumerable<Measurement<double>> ObserveWriteQueueOldestAge()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var queue in WriteQueueGauges.All)
        {
            var age = queue.OldestAt is { } oldest && now > oldest ? (now - oldest).TotalSeconds : 0;
            yield return new Measurement<double>(age, new TagList { { "queue", queue.Queue } });
        }
    }
}
