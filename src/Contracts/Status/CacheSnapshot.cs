namespace Orchestrator.Contracts;

/// <summary>A dependency's cache at one moment.</summary>
/// <param name="Entries">Answers held.</param>
/// <param name="Hits">Calls answered fresh from the cache.</param>
/// <param name="StaleServed">Calls answered with a stale entry (stale-while-revalidate or stale-on-error).</param>
/// <param name="Misses">Calls that found nothing usable.</param>
/// <param name="Evictions">Entries dropped to make room.</param>
public sealed record CacheSnapshot(int Entries, long Hits, long StaleServed, long Misses, long Evictions);
