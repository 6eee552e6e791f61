using Orchestrator.Contracts;

namespace Orchestrator.WriteQueue;

// The write queue's journal events: the queue's state is these, replayed in order. Small immutable records; their
// shape is stored in the database, so change it only in ways the JSON serializer still reads.

/// <summary>A write was accepted.</summary>
internal sealed record WriteQueued(QueuedWrite Write);

/// <summary>A write was applied by its target.</summary>
internal sealed record WriteDelivered(string Id, DateTimeOffset DeliveredAt);

/// <summary>A delivery failed; the write will be tried again after a backoff.</summary>
internal sealed record WriteAttemptFailed(string Id, string Error);

/// <summary>A delivery failed for the last allowed time; the write moved to the poison list.</summary>
internal sealed record WritePoisoned(string Id, string Error, DateTimeOffset PoisonedAt);

/// <summary>A poisoned write went back to the end of its key's queue, as <paramref name="Sequence"/>.</summary>
internal sealed record WriteRedriven(string Id, long Sequence);

/// <summary>A poisoned write was removed for good.</summary>
internal sealed record WriteDropped(string Id);

/// <summary>
/// The whole queue, saved every <c>SnapshotEvery</c> events so recovery does not replay the journal from the start.
/// Arrays, not interfaces: the JSON serializer stores the concrete type of each collection, and must be able to
/// create it again.
/// </summary>
/// <param name="Pending">Waiting entries, in sequence order.</param>
/// <param name="Poisoned">The poison list, oldest first.</param>
/// <param name="LastSequence">The highest sequence given so far.</param>
internal sealed record WriteQueueSnapshot(QueuedWrite[] Pending, PoisonedWrite[] Poisoned, long LastSequence);
