using System.Collections.Concurrent;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.WriteQueue;

/// <summary>
/// A write target that keeps its own record, as a real one would: it applies each idempotency key once (a repeat
/// succeeds without applying again), and counts every attempt. <see cref="Behaviour"/> scripts each attempt.
/// </summary>
public sealed class RecordingTarget(string name) : IWriteTarget
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private readonly ConcurrentDictionary<string, byte> _applied = new();
    private readonly ConcurrentQueue<QueuedWrite> _log = new();
    private int _totalAttempts;

    public string Name { get; } = name;

    /// <summary>
    /// Runs before each attempt with the write and its attempt number (1-based): throw to fail it, or wait to hold
    /// it. Default: succeed.
    /// </summary>
    public Func<QueuedWrite, int, Task> Behaviour { get; set; } = (_, _) => Task.CompletedTask;

    /// <summary>When true, an attempt applies the write and then fails, as when the answer is lost on the way back.</summary>
    public Func<QueuedWrite, int, bool> LoseAnswer { get; set; } = (_, _) => false;

    /// <summary>Every write applied, in the order applied (each idempotency key once).</summary>
    public IReadOnlyList<QueuedWrite> Applied => [.. _log];

    /// <summary>Attempts of every write so far.</summary>
    public int TotalAttempts => Volatile.Read(ref _totalAttempts);

    /// <summary>Attempts of one idempotency key.</summary>
    public int AttemptsOf(string idempotencyKey) => _attempts.GetValueOrDefault(idempotencyKey);

    /// <summary>The payloads applied for <paramref name="key"/>, in order.</summary>
    public IReadOnlyList<string> PayloadsOf(string key) => [.. Applied.Where(w => w.Key == key).Select(w => w.Payload)];

    public async Task ApplyAsync(QueuedWrite write, CancellationToken cancellationToken)
    {
        var attempt = _attempts.AddOrUpdate(write.IdempotencyKey, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _totalAttempts);
        await Behaviour(write, attempt);
        if (_applied.TryAdd(write.IdempotencyKey, 0)) _log.Enqueue(write);
        if (LoseAnswer(write, attempt)) throw new IOException($"The answer to {write.IdempotencyKey} was lost.");
    }
}
