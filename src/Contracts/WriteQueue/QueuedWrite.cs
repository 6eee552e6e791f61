namespace Orchestrator.Contracts;

/// <summary>One entry of the write queue.</summary>
/// <param name="Id">The entry's id, given when it was accepted.</param>
/// <param name="Sequence">Its place in the queue: entries of one key are delivered in this order.</param>
/// <param name="Target">The dependency it goes to.</param>
/// <param name="Key">What it is about (a customer, an account): entries of one target and key are applied in order.</param>
/// <param name="IdempotencyKey">The target applies each idempotency key once.</param>
/// <param name="Payload">What to write, as text (usually JSON).</param>
/// <param name="EnqueuedAt">When it was accepted.</param>
/// <param name="Attempts">Failed deliveries so far.</param>
/// <param name="LastError">Why the last delivery failed, if one did.</param>
public sealed record QueuedWrite(
    string Id,
    long Sequence,
    string Target,
    string Key,
    string IdempotencyKey,
    string Payload,
    DateTimeOffset EnqueuedAt,
    int Attempts = 0,
    string? LastError = null);
