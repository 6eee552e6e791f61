using Orchestrator.Contracts;

namespace Orchestrator.WriteQueue;

/// <summary>
/// The write queue's entries, built only by applying journal events (or a snapshot): the waiting entries in one
/// FIFO lane per target and key, and the poison list. Plain data; the actor decides what to deliver.
/// </summary>
internal sealed class WriteQueueState
{
    private readonly Dictionary<string, QueuedWrite> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LinkedList<string>> _lanes = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, string> _bySequence = new();
    private readonly OrderedDictionary<string, PoisonedWrite> _poisoned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byIdempotencyKey = new(StringComparer.Ordinal);

    /// <summary>The highest sequence given so far.</summary>
    public long LastSequence { get; private set; }

    /// <summary>Waiting entries (being delivered included).</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Entries on the poison list.</summary>
    public int PoisonedCount => _poisoned.Count;

    /// <summary>The oldest waiting entry, if any.</summary>
    public QueuedWrite? Oldest => _bySequence.Count == 0 ? null : _pending[_bySequence.First().Value];

    /// <summary>The poison list, oldest first.</summary>
    public IReadOnlyList<PoisonedWrite> Poisoned => [.. _poisoned.Values];

    /// <summary>The waiting entry <paramref name="id"/>.</summary>
    public bool TryGetPending(string id, out QueuedWrite write) => _pending.TryGetValue(id, out write!);

    /// <summary>Whether <paramref name="id"/> is on the poison list.</summary>
    public bool IsPoisoned(string id) => _poisoned.ContainsKey(id);

    /// <summary>
    /// The waiting or poisoned entry of <paramref name="target"/> that carries <paramref name="idempotencyKey"/>, if any:
    /// the queue holds at most one such entry per target and key (a delivered entry no longer counts).
    /// </summary>
    public bool TryFindByIdempotencyKey(string target, string idempotencyKey, out string id) =>
        _byIdempotencyKey.TryGetValue(IdempotencyIndex(target, idempotencyKey), out id!);

    /// <summary>The waiting or poisoned entry <paramref name="id"/>, if any.</summary>
    public QueuedWrite? Find(string id) =>
        _pending.TryGetValue(id, out var write) ? write : _poisoned.TryGetValue(id, out var poisoned) ? poisoned.Write : null;

    /// <summary>The first entry of every lane (the only ones that may be delivered), oldest first.</summary>
    public IEnumerable<QueuedWrite> Heads() =>
        _lanes.Values.Select(lane => _pending[lane.First!.Value]).OrderBy(w => w.Sequence);

    /// <summary>Applies one journal event.</summary>
    public void Apply(object @event)
    {
        switch (@event)
        {
            case WriteQueued q:
                Add(q.Write);
                break;
            case WriteDelivered d:
                Remove(d.Id);
                break;
            case WriteAttemptFailed f when _pending.TryGetValue(f.Id, out var failed):
                _pending[f.Id] = failed with { Attempts = failed.Attempts + 1, LastError = f.Error };
                break;
            case WritePoisoned p when _pending.TryGetValue(p.Id, out var poisoned):
                Remove(p.Id, keepIdempotencyKey: true);
                _poisoned[p.Id] = new PoisonedWrite(poisoned with { Attempts = poisoned.Attempts + 1, LastError = p.Error }, p.PoisonedAt);
                break;
            case WriteRedriven r when _poisoned.Remove(r.Id, out var entry):
                Add(entry.Write with { Sequence = r.Sequence, Attempts = 0, LastError = null });
                break;
            case WriteDropped x when _poisoned.Remove(x.Id, out var dropped):
                ForgetIdempotencyKey(dropped.Write);
                break;
        }
    }

    /// <summary>The whole state, for a snapshot.</summary>
    public WriteQueueSnapshot ToSnapshot() =>
        new(_bySequence.Values.Select(id => _pending[id]).ToArray(), _poisoned.Values.ToArray(), LastSequence);

    /// <summary>The state a snapshot holds.</summary>
    public static WriteQueueState From(WriteQueueSnapshot snapshot)
    {
        var state = new WriteQueueState();
        foreach (var write in snapshot.Pending.OrderBy(w => w.Sequence)) state.Add(write);
        foreach (var poisoned in snapshot.Poisoned)
        {
            state._poisoned[poisoned.Write.Id] = poisoned;
            state._byIdempotencyKey[IdempotencyIndex(poisoned.Write)] = poisoned.Write.Id;
        }
        state.LastSequence = Math.Max(state.LastSequence, snapshot.LastSequence);
        return state;
    }

    /// <summary>Journals written before keys were unique may hold two entries with one key: the index forgets only its own.</summary>
    private void ForgetIdempotencyKey(QueuedWrite write)
    {
        var index = IdempotencyIndex(write);
        if (_byIdempotencyKey.TryGetValue(index, out var id) && id == write.Id) _byIdempotencyKey.Remove(index);
    }

    private static string LaneOf(QueuedWrite write) => write.Target + "\u001f" + write.Key;

    private static string IdempotencyIndex(QueuedWrite write) => IdempotencyIndex(write.Target, write.IdempotencyKey);

    private static string IdempotencyIndex(string target, string idempotencyKey) => target + "\u001f" + idempotencyKey;

    private void Add(QueuedWrite write)
    {
        _pending[write.Id] = write;
        _bySequence[write.Sequence] = write.Id;
        var lane = LaneOf(write);
        if (!_lanes.TryGetValue(lane, out var ids)) _lanes[lane] = ids = new LinkedList<string>();
        ids.AddLast(write.Id);
        _byIdempotencyKey[IdempotencyIndex(write)] = write.Id;
        LastSequence = Math.Max(LastSequence, write.Sequence);
    }

    /// <summary>Removes a waiting entry; <paramref name="keepIdempotencyKey"/> when it moves to the poison list.</summary>
    private void Remove(string id, bool keepIdempotencyKey = false)
    {
        if (!_pending.Remove(id, out var write)) return;
        if (!keepIdempotencyKey) ForgetIdempotencyKey(write);
        _bySequence.Remove(write.Sequence);
        var lane = LaneOf(write);
        var ids = _lanes[lane];
        ids.Remove(id);
        if (ids.Count == 0) _lanes.Remove(lane);
    }
}
