namespace Orchestrator.Contracts;

/// <summary>
/// Applies queued writes to one target. <see cref="Name"/> is the name of a declared dependency: every delivery is a
/// guarded call to it, so its breaker, bulkhead, timeout and retries apply.
/// </summary>
/// <remarks>
/// A write may be delivered more than once (after a crash, or when an answer was lost): the target must apply each
/// <see cref="QueuedWrite.IdempotencyKey"/> once, and answer a repeat as a success.
/// </remarks>
public interface IWriteTarget
{
    /// <summary>The dependency the writes go to.</summary>
    string Name { get; }

    /// <summary>Applies <paramref name="write"/>; a thrown exception is a failed attempt (retried with backoff).</summary>
    Task ApplyAsync(QueuedWrite write, CancellationToken cancellationToken);
}
