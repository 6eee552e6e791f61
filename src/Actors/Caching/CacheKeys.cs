using Orchestrator.Contracts;

namespace Orchestrator.Actors.Caching;

/// <summary>
/// The key of a call's answer in its dependency's cache and single flight: the result type and the call's key, so
/// that calls asking different questions of one dependency share an answer only if they share both.
/// </summary>
internal static class CacheKeys
{
    /// <summary>The cache key of <paramref name="call"/>, or null when it has no key.</summary>
    public static string? For(GuardedCall call) => call.Key is { } key ? $"{call.ResultType.FullName}\u001f{key}" : null;
}
