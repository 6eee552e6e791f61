namespace Orchestrator.Contracts;

// The write queue's protocol. Every command is answered: enqueue with AcceptedForProcessing or EnqueueFailed,
// the poison commands with PoisonCommandDone or PoisonEntryNotFound, the queries with their snapshot.

/// <summary>Asks the queue to store a write and deliver it later. Answered only once it is stored durably.</summary>
/// <param name="Target">The dependency to write to; it must have an <see cref="IWriteTarget"/>.</param>
/// <param name="Key">Writes with the same target and key are applied in the order they were accepted.</param>
/// <param name="Payload">What to write.</param>
/// <param name="IdempotencyKey">The key the target deduplicates on; when null the entry's id.</param>
public sealed record EnqueueWrite(string Target, string Key, string Payload, string? IdempotencyKey = null);

/// <summary>The write is stored durably and will be delivered (or end on the poison list).</summary>
/// <param name="Id">The entry's id.</param>
/// <param name="AlreadyQueued">
/// True when the queue already held a waiting or poisoned entry for the same target and idempotency key: that entry
/// (<paramref name="Id"/>) stands for this write, and nothing new was stored. Enqueueing again with the same
/// idempotency key is therefore always safe.
/// </param>
public sealed record AcceptedForProcessing(string Id, bool AlreadyQueued = false);

/// <summary>The write was not accepted: nothing is stored, nothing will be delivered.</summary>
/// <param name="Error">A sentence naming the problem (an unknown target, a full queue, the store failing).</param>
public sealed record EnqueueFailed(string Error);

/// <summary>Asks for the queue's depth, oldest entry and poison count (answer: <see cref="WriteQueueStatus"/>).</summary>
public sealed record GetWriteQueueStatus
{
    /// <summary>The one instance.</summary>
    public static readonly GetWriteQueueStatus Instance = new();
}

/// <summary>The write queue at a glance.</summary>
/// <param name="Depth">Entries waiting for delivery or being delivered.</param>
/// <param name="InFlight">Entries being delivered now.</param>
/// <param name="OldestEnqueuedAt">When the oldest waiting entry was accepted; null when none waits.</param>
/// <param name="OldestAgeSeconds">How long the oldest waiting entry has waited; 0 when none waits.</param>
/// <param name="Poisoned">Entries on the poison list.</param>
/// <param name="PausedTargets">Targets whose deliveries pause now because their breaker or bulkhead turned one away.</param>
public sealed record WriteQueueStatus(int Depth, int InFlight, DateTimeOffset? OldestEnqueuedAt, double OldestAgeSeconds, int Poisoned,
    IReadOnlyList<string> PausedTargets);

/// <summary>Asks for the poison list (answer: <see cref="PoisonList"/>).</summary>
public sealed record GetPoisonList
{
    /// <summary>The one instance.</summary>
    public static readonly GetPoisonList Instance = new();
}

/// <summary>An entry that failed every attempt.</summary>
/// <param name="Write">The entry, with its attempts and last error.</param>
/// <param name="PoisonedAt">When it moved to the poison list.</param>
public sealed record PoisonedWrite(QueuedWrite Write, DateTimeOffset PoisonedAt);

/// <summary>The poison list, oldest first.</summary>
public sealed record PoisonList(IReadOnlyList<PoisonedWrite> Entries);

/// <summary>Puts a poisoned entry back at the end of its key's queue, with its attempts reset.</summary>
public sealed record RedrivePoisoned(string Id);

/// <summary>Removes a poisoned entry for good; it is never delivered.</summary>
public sealed record DropPoisoned(string Id);

/// <summary>A poison command was done (and stored).</summary>
public sealed record PoisonCommandDone(string Id);

/// <summary>No poisoned entry has this id.</summary>
public sealed record PoisonEntryNotFound(string Id);

/// <summary>
/// Asks the queue to start no more deliveries (the host is stopping): it still accepts and stores writes, which are
/// delivered after the next start. Answered with <see cref="DeliveriesStopped"/> once the deliveries in flight have
/// finished and a snapshot is saved, or after <paramref name="Wait"/>, whichever comes first. Asking again is harmless.
/// </summary>
/// <param name="Wait">The longest the answer may wait for deliveries in flight.</param>
public sealed record StopDeliveries(TimeSpan Wait);

/// <summary>The queue starts no more deliveries.</summary>
/// <param name="Depth">Entries waiting, kept for the next start.</param>
/// <param name="StillInFlight">Deliveries that had not finished when the wait ran out; they are delivered again after the next start.</param>
public sealed record DeliveriesStopped(int Depth, int StillInFlight);

/// <summary>Asks for one entry of the queue, waiting or poisoned (answer: <see cref="WriteEntry"/>, or <see cref="WriteEntryNotFound"/> once it was delivered or dropped).</summary>
public sealed record GetWriteEntry(string Id);

/// <summary>One entry of the queue and where it stands.</summary>
/// <param name="Write">The entry, with its attempts and last error.</param>
/// <param name="State"><c>waiting</c>, <c>in-flight</c>, <c>backing-off</c> (after a failed attempt), <c>paused</c> (its target's guard turned a delivery away) or <c>poisoned</c>.</param>
public sealed record WriteEntry(QueuedWrite Write, string State);

/// <summary>No entry has this id: it was delivered, dropped, or never queued.</summary>
public sealed record WriteEntryNotFound(string Id);
