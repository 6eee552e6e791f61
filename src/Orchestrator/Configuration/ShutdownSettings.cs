namespace Orchestrator.Node.Configuration;

/// <summary>
/// How the node stops on SIGTERM or Ctrl-C; section <c>Shutdown</c> (<c>--Shutdown:DrainTimeout=00:00:05</c>,
/// <c>Shutdown__DrainTimeout=00:00:05</c>). See <see cref="Lifecycle.NodeShutdown"/> for the order of the steps.
/// </summary>
public sealed class ShutdownSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shutdown";

    /// <summary>The longest <see cref="DrainTimeout"/>: 30 s.</summary>
    public static readonly TimeSpan MaxDrainTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The longest <see cref="WriteQueueWait"/>: 30 s.</summary>
    public static readonly TimeSpan MaxWriteQueueWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the requests in flight when the stop begins may take to finish (each is bounded by its own deadline
    /// too); new ones are answered 503 at once. Default 5 s.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Then, how long the write queue's deliveries in flight may take to finish; the queue starts no new ones, and
    /// what it holds is delivered after the next start. Default 2 s.
    /// </summary>
    public TimeSpan WriteQueueWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The host's own limit on the whole stop: the two waits, plus 10 s for the HTTP server, the order book, leaving
    /// the cluster and stopping the actor system. With the defaults, 17 s: inside docker compose's 20 s grace period.
    /// </summary>
    public TimeSpan HostShutdownTimeout => DrainTimeout + WriteQueueWait + TimeSpan.FromSeconds(10);

    /// <summary>Adds every problem to <paramref name="errors"/>, naming the setting.</summary>
    public void Validate(List<string> errors)
    {
        if (DrainTimeout < TimeSpan.Zero || DrainTimeout > MaxDrainTimeout)
            errors.Add($"{SectionName}:DrainTimeout must be between 0 and {MaxDrainTimeout.TotalSeconds:0} s (like 00:00:05), not {DrainTimeout}.");
        if (WriteQueueWait < TimeSpan.Zero || WriteQueueWait > MaxWriteQueueWait)
            errors.Add($"{SectionName}:WriteQueueWait must be between 0 and {MaxWriteQueueWait.TotalSeconds:0} s (like 00:00:02), not {WriteQueueWait}.");
    }
}
