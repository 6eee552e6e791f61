using System.Collections.Concurrent;

namespace Orchestrator.Actors.Caching;

/// <summary>
/// One dependency's answers by key, bounded to <c>maxEntries</c> (least recently used go first). An entry is
/// fresh for <c>freshFor</c>, then stale for <c>staleFor</c> more, then gone. Written by one actor only
/// (<see cref="Get"/>, <see cref="Set"/>, <see cref="Invalidate"/>); <see cref="Peek"/> may be called from any thread at
/// any time, which is how a caller turned away before it reached the actor still finds a cached answer.
/// </summary>
internal sealed class ResponseCache
{
    private sealed record Entry(string Key, object? Value, DateTimeOffset StoredAt);

    // Concurrent so that Peek may read while the owner writes; the recency list is the owner's alone.
    private readonly ConcurrentDictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
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
    public int Count => _recency.Count;

    /// <summary>Entries dropped to make room since start.</summary>
    public long Evictions { get; private set; }

    private long _hits, _staleServed, _misses;

    /// <summary>Fresh answers served as the dependency's answer.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Cached answers served in its place: stale ones while they are refreshed, and any in the fallback chain.</summary>
    public long StaleServed => Interlocked.Read(ref _staleServed);

    /// <summary>Lookups that found nothing to serve.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Counts a fresh answer served (any thread).</summary>
    public void CountHit() => Interlocked.Increment(ref _hits);

    /// <summary>Counts a cached answer served in the dependency's place (any thread).</summary>
    public void CountStaleServed() => Interlocked.Increment(ref _staleServed);

    /// <summary>Counts a lookup that found nothing to serve (any thread).</summary>
    public void CountMiss() => Interlocked.Increment(ref _misses);

    /// <summary>
    /// Looks <paramref name="key"/> up from any thread, without touching the entry's recency or removing an expired
    /// one (those are the owner's). An expired entry is a miss.
    /// </summary>
    public CacheLookup Peek(string key)
    {
        if (!_entries.TryGetValue(key, out var node)) return CacheLookup.Missed;
        var entry = node.Value; // immutable: the owner replaces nodes, never entries
        var age = _time.GetUtcNow() - entry.StoredAt;
        if (age >= _freshFor && age - _freshFor >= _staleFor) return CacheLookup.Missed;
        return new CacheLookup(age < _freshFor ? CacheHit.Fresh : CacheHit.Stale, entry.Value, age);
    }

    /// <summary>Looks <paramref name="key"/> up (the owner only); a hit becomes the most recently used entry.</summary>
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
        while (_recency.Count > _maxEntries && _recency.Last is { } oldest)
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
        _entries.TryRemove(node.Value.Key, out _);
        _recency.Remove(node);
    }
}
