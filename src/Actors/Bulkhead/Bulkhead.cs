namespace Orchestrator.Actors.Bulkhead;

/// <summary>
/// Bounds the work of one dependency: at most <see cref="MaxConcurrency"/> items hold a slot, at most
/// <see cref="QueueCapacity"/> wait for one, in arrival order; anything beyond is rejected at once, so neither
/// callers nor memory wait without bound. The queue is owned by one actor (not thread-safe); the slots are
/// <see cref="BulkheadSlots"/>, shared with the callers that run calls on their own side. (Senders check the
/// <see cref="BulkheadGate"/> first, so a flood is turned away before it reaches the actor.)
/// </summary>
/// <typeparam name="T">The waiting item (a pending call).</typeparam>
internal sealed class Bulkhead<T> where T : class
{
    private readonly LinkedList<T> _queue = new();
    private readonly Dictionary<T, LinkedListNode<T>> _nodes = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates an empty bulkhead with slots of its own.</summary>
    public Bulkhead(int maxConcurrency, int queueCapacity) : this(new BulkheadSlots(maxConcurrency), queueCapacity)
    {
    }

    /// <summary>Creates an empty queue over <paramref name="slots"/>.</summary>
    public Bulkhead(BulkheadSlots slots, int queueCapacity)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentOutOfRangeException.ThrowIfNegative(queueCapacity);
        Slots = slots;
        QueueCapacity = queueCapacity;
    }

    /// <summary>The running places, shared with the callers.</summary>
    public BulkheadSlots Slots { get; }

    /// <summary>The most items that may hold a slot at once.</summary>
    public int MaxConcurrency => Slots.MaxConcurrency;

    /// <summary>The most items that may wait; a smaller capacity set while more wait keeps them, and lets none in until fewer wait.</summary>
    public int QueueCapacity
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    /// <summary>Items holding a slot (here or on the callers' side).</summary>
    public int InFlight => Slots.InFlight;

    /// <summary>Items waiting for a slot.</summary>
    public int Queued => _queue.Count;

    /// <summary>Admits <paramref name="item"/>: a slot, a place in the queue, or a rejection.</summary>
    public BulkheadAdmission TryEnter(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (_queue.Count == 0 && Slots.TryTake()) return BulkheadAdmission.Run;
        if (_queue.Count < QueueCapacity)
        {
            _nodes[item] = _queue.AddLast(item);
            Slots.PublishQueued(_queue.Count);
            return BulkheadAdmission.Queued;
        }
        return BulkheadAdmission.Rejected;
    }

    /// <summary>Gives back a slot.</summary>
    public void Release() => Slots.Release();

    /// <summary>Takes a slot for the oldest waiting item, if a slot is free and an item waits.</summary>
    public bool TryStartNext(out T item)
    {
        if (_queue.First is { } first && Slots.TryTake())
        {
            item = first.Value;
            _queue.RemoveFirst();
            _nodes.Remove(item);
            Slots.PublishQueued(_queue.Count);
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
        Slots.PublishQueued(_queue.Count);
        return true;
    }

    /// <summary>The waiting items, oldest first.</summary>
    public IEnumerable<T> QueuedItems => _queue;
}
