namespace Orchestrator.Actors.Caching;

/// <summary>
/// One dependency's answers by key, bounded to <c>maxEntries</c> (least recently used go first). An entry is
/// fresh for <c>freshFor</c>, then stale for <c>staleFor</c> more, then gone. Not thread-safe: owned by one actor.
/// </summary>
public sealed class ResponseCache
{
    private sealed record Entry(string Key, object? Value, DateTimeOffset StoredAt);

    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private readonly int _maxEntries;
    private readonly TimeSpan _freshFor;
    private readonly TimeSpan _staleFor;
    private readonly TimeProvider _time;

    /// <summary>Creates an empty cache.</summary>
    public ResponseCache(int maxEntries, TimeSpan freshFor, TimeSpan staleFor, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        if (freshFor < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(freshFor), freshFor, "Must not be negative.");
        if (staleFor < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(staleFor), staleFor, "Must not be negative.");
        _maxEntries = maxEntries;
        _freshFor = freshFor;
        _staleFor = staleFor;
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>Entries held now (expired ones go when next looked up or evicted).</summary>
    public int Count => _entries.Count;

    /// <summary>Entries dropped to make room since start.</summary>
    public long Evictions { get; private set; }

    /// <summary>Looks <paramref name="key"/> up; a hit becomes the most recently used entry.</summary>
    public CacheLookup Get(string key)
    {
        if (!_entries.TryGetValue(key, out var node)) return CacheLookup.Missed;
        var age = _time.GetUtcNow() - node.Value.StoredAt;
        if (age >= _freshFor && age - _freshFor >= _staleFor) // no sum: FreshFor may be TimeSpan.MaxValue
        {
            Remove(node);
            return CacheLookup.Missed;
        }
        _recency.Remove(node);
        _recency.AddFirst(node);
        return new CacheLookup(age < _freshFor ? CacheHit.Fresh : CacheHit.Stale, node.Value.Value, age);
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, evicting the least recently used entry if full.</summary>
    public void Set(string key, object? value)
    {
        if (_entries.TryGetValue(key, out var existing)) Remove(existing);
        var node = _recency.AddFirst(new Entry(key, value, _time.GetUtcNow()));
        _entries[key] = node;
        while (_entries.Count > _maxEntries && _recency.Last is { } oldest)
        {
            Remove(oldest);
            Evictions++;
        }
    }

    /// <summary>Forgets <paramref name="key"/>.</summary>
    public bool Invalidate(string key)
    {
        if (!_entries.TryGetValue(key, out var node)) return false;
        Remove(node);
        return true;
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _entries.Remove(node.Value.Key);
        _recency.Remove(node);
    }
}
