namespace Orchestrator.Actors.Telemetry;

/// <summary>
/// A write queue's depth and the time its oldest waiting write was accepted, as its actor last published them
/// (after every stored event). Written by the actor only, read by the observable instruments from any thread.
/// </summary>
internal sealed class WriteQueueGauge(string queue)
{
    private int _depth;
    private long _oldestTicks; // UtcTicks of the oldest waiting write; 0: none

    /// <summary>The queue's persistence id: the tag that tells queues apart.</summary>
    public string Queue { get; } = queue;

    /// <summary>Writes waiting for delivery.</summary>
    public int Depth => Volatile.Read(ref _depth);

    /// <summary>When the oldest waiting write was accepted; null when none waits.</summary>
    public DateTimeOffset? OldestAt => Volatile.Read(ref _oldestTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    /// <summary>Publishes the queue's state (its actor only).</summary>
    public void Publish(int depth, DateTimeOffset? oldestAt)
    {
        Volatile.Write(ref _oldestTicks, oldestAt?.UtcTicks ?? 0);
        Volatile.Write(ref _depth, depth);
    }
}
