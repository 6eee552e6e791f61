namespace Orchestrator.Actors.Caching;

/// <summary>How fresh a cached answer is.</summary>
internal enum CacheHit
{
    /// <summary>Nothing usable is cached.</summary>
    Miss,
    /// <summary>Younger than the fresh time: as good as a live answer.</summary>
    Fresh,
    /// <summary>Past the fresh time but within the stale age: usable when nothing better is at hand.</summary>
    Stale,
}

/// <summary>The answer of <see cref="ResponseCache.Get"/>.</summary>
/// <param name="Hit">Miss, fresh or stale.</param>
/// <param name="Value">The cached value (for a hit).</param>
/// <param name="Age">How old the value is (for a hit).</param>
internal readonly record struct CacheLookup(CacheHit Hit, object? Value, TimeSpan Age)
{
    /// <summary>Nothing usable is cached.</summary>
    public static readonly CacheLookup Missed = new(CacheHit.Miss, null, TimeSpan.Zero);
}
