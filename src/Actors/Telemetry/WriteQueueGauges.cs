using System.Collections.Immutable;

namespace Orchestrator.Actors.Telemetry;

/// <summary>
/// The running write queues' published depths (<see cref="WriteQueueGauge"/>), for the observable instruments: an
/// immutable list swapped by compare-and-swap, read without a lock from the exporter's thread.
/// </summary>
internal static class WriteQueueGauges
{
    private static ImmutableList<WriteQueueGauge> _queues = [];

    /// <summary>The write queues running now.</summary>
    public static IReadOnlyList<WriteQueueGauge> All => Volatile.Read(ref _queues);

    /// <summary>Registers a write queue's gauge (its actor, when it starts).</summary>
    public static void Add(WriteQueueGauge queue)
    {
        OrchestratorMetrics.EnsureCreated();
        ImmutableInterlocked.Update(ref _queues, list => list.Add(queue));
    }

    /// <summary>Removes a write queue's gauge (its actor, when it stops).</summary>
    public static void Remove(WriteQueueGauge queue) => ImmutableInterlocked.Update(ref _queues, list => list.Remove(queue));
}
