namespace Orchestrator.Actors.Bulkhead;

/// <summary>
/// Bounds the work of one dependency: at most <see cref="MaxConcurrency"/> items hold a slot, at most
/// <see cref="QueueCapacity"/> wait for one, in arrival order; anything beyond is rejected at once, so neither
/// callers nor memory wait without bound. Not thread-safe: owned by one actor. (Senders check the
/// <see cref="BulkheadGate"/> first, so a flood is turned away before it reaches the actor.)
/// </summary>
/// <typeparam name="T">The waiting item (a pending call).</typeparam>
public sealed class Bulkhead<T> where T : class
{
    private readonly LinkedList<T> _queue = new();
    private readonly Dictionary<T, LinkedListNode<T>> _nodes = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates an empty bulkhead.</summary>
    public Bulkhead(int maxConcurrency, int queueCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueCapacity);
        MaxConcurrency = maxConcurrency;
        QueueCapacity = queueCapacity;
    }

    /// <summary>The most items that may hold a slot at once.</summary>
    public int MaxConcurrency { get; }

    /// <summary>The most items that may wait.</summary>
    public int QueueCapacity { get; }

    /// <summary>Items holding a slot.</summary>
    public int InFlight { get; private set; }

    /// <summary>Items waiting for a slot.</summary>
    public int Queued => _queue.Count;

    /// <summary>Admits <paramref name="item"/>: a slot, a place in the queue, or a rejection.</summary>
    public BulkheadAdmission TryEnter(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (InFlight < MaxConcurrency && _queue.Count == 0)
        {
            InFlight++;
            return BulkheadAdmission.Run;
        }
        if (_queue.Count < QueueCapacity)
        {
            _nodes[item] = _queue.AddLast(item);
            return BulkheadAdmission.Queued;
        }
        return BulkheadAdmission.Rejected;
    }

    /// <summary>Gives back a slot.</summary>
    public void Release()
    {
        if (InFlight == 0) throw new InvalidOperationException("Release without a slot in use.");
        InFlight--;
    }

    /// <summary>Takes a slot for the oldest waiting item, if a slot is free and an item waits.</summary>
    public bool TryStartNext(out T item)
    {
        if (InFlight < MaxConcurrency && _queue.First is { } first)
        {
            item = first.Value;
            _queue.RemoveFirst();
            _nodes.Remove(item);
            InFlight++;
            return true;
        }
        item = null!;
        return false;
    }

    /// <summary>Removes a waiting item (its deadline passed); false if it is not waiting.</summary>
    public bool RemoveQueued(T item)
    {
        if (!_nodes.Remove(item, out var node)) return false;
        _queue.Remove(node);
        return true;
    }

    /// <summary>The waiting items, oldest first.</summary>
    public IEnumerable<T> QueuedItems => _queue;
}
