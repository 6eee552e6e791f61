namespace Orchestrator.Node.Configuration;

/// <summary>
/// How the node stops on SIGTERM or Ctrl-C; section <c>Shutdown</c> (<c>--Shutdown:DrainTimeout=00:00:05</c>,
/// <c>Shutdown__DrainTimeout=00:00:05</c>). See <see cref="Lifecycle.NodeShutdown"/> for the order of the steps.
/// </summary>
public sealed class ShutdownSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shutdown";

    /// <summary>The longest <see cref="DrainPeriod"/>: 60 s.</summary>
    public static readonly TimeSpan MaxDrainPeriod = TimeSpan.FromSeconds(60);

    /// <summary>The longest <see cref="DrainTimeout"/>: 30 s.</summary>
    public static readonly TimeSpan MaxDrainTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The longest <see cref="WriteQueueWait"/>: 30 s.</summary>
    public static readonly TimeSpan MaxWriteQueueWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the node goes on serving after the stop begins, with readiness 503 (so that load balancers take it
    /// out) and <c>Connection: close</c> on every answer (so that keep-alive clients leave after their answer and
    /// reconnect elsewhere, instead of meeting a closed connection). Default 3 s.
    /// </summary>
    public TimeSpan DrainPeriod { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Then the listener closes: how long the requests still in flight may take to finish (each is bounded by its own
    /// deadline too); a request that comes now is answered 503 at once. Default 4 s.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// Then, how long the write queue's deliveries in flight may take to finish; the queue starts no new ones, and
    /// what it holds is delivered after the next start. Default 2 s.
    /// </summary>
    public TimeSpan WriteQueueWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest the node's own steps may take with these settings: the drain period and the two waits, plus 1 s to
    /// refuse and close the listener. With the defaults, 10 s.
    /// </summary>
    public TimeSpan LongestStop => DrainPeriod + DrainTimeout + WriteQueueWait + TimeSpan.FromSeconds(1);

    /// <summary>
    /// The host's own limit on the whole stop: <see cref="LongestStop"/>, plus 10 s for the order book, leaving the
    /// cluster and stopping the actor system. With the defaults, 20 s: docker compose's grace period is set to 25 s.
    /// </summary>
    public TimeSpan HostShutdownTimeout => LongestStop + TimeSpan.FromSeconds(10);

    /// <summary>Adds every problem to <paramref name="errors"/>, naming the setting.</summary>
    public void Validate(List<string> errors)
    {
        if (DrainPeriod < TimeSpan.Zero || DrainPeriod > MaxDrainPeriod)
            errors.Add($"{SectionName}:DrainPeriod must be between 0 and {MaxDrainPeriod.TotalSeconds:0} s (like 00:00:03), not {DrainPeriod}.");
        if (DrainTimeout < TimeSpan.Zero || DrainTimeout > MaxDrainTimeout)
            errors.Add($"{SectionName}:DrainTimeout must be between 0 and {MaxDrainTimeout.TotalSeconds:0} s (like 00:00:04), not {DrainTimeout}.");
        if (WriteQueueWait < TimeSpan.Zero || WriteQueueWait > MaxWriteQueueWait)
            errors.Add($"{SectionName}:WriteQueueWait must be between 0 and {MaxWriteQueueWait.TotalSeconds:0} s (like 00:00:02), not {WriteQueueWait}.");
    }
}
