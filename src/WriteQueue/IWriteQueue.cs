using Orchestrator.Contracts;

namespace Orchestrator.WriteQueue;

/// <summary>The write queue for code that is not an actor (an ASP.NET handler). Register it with <c>services.AddWriteQueue()</c>.</summary>
public interface IWriteQueue
{
    /// <summary>
    /// Stores <paramref name="write"/> for delivery. Accepted (with the entry's id) only once it is stored durably;
    /// otherwise the error names the problem and nothing will be delivered — except after a timeout, when the
    /// outcome is unknown and enqueueing again with the same idempotency key is the safe next step.
    /// </summary>
    Task<EnqueueResult> EnqueueAsync(EnqueueWrite write, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts no more deliveries (the host is stopping), and waits up to <paramref name="wait"/> for those in flight;
    /// writes are still accepted and stored, and delivered after the next start.
    /// </summary>
    Task<DeliveriesStopped> StopDeliveriesAsync(TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>The queue's depth, oldest entry and poison count.</summary>
    Task<WriteQueueStatus> StatusAsync(CancellationToken cancellationToken = default);

    /// <summary>The poison list, oldest first.</summary>
    Task<PoisonList> PoisonedAsync(CancellationToken cancellationToken = default);

    /// <summary>One entry and where it stands (waiting, in flight, backing off, paused, poisoned); null once it was delivered or dropped.</summary>
    Task<WriteEntry?> FindAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Puts a poisoned entry back in its key's queue; false when no poisoned entry has <paramref name="id"/>.</summary>
    Task<bool> RedriveAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Removes a poisoned entry for good; false when no poisoned entry has <paramref name="id"/>.</summary>
    Task<bool> DropAsync(string id, CancellationToken cancellationToken = default);
}

/// <summary>The answer to an enqueue: the entry's id when it was accepted, else the error.</summary>
public sealed record EnqueueResult(string? Id, string? Error)
{
    /// <summary>Whether the write was stored durably and will be delivered.</summary>
    public bool Accepted => Id is not null;

    /// <summary>Whether an entry with the same target and idempotency key was already held, and stands for this write.</summary>
    public bool AlreadyQueued { get; init; }
}
