namespace Orchestrator.Contracts;

/// <summary>A dependency's cache of answers by call key, kept to degrade well rather than to go fast.</summary>
public sealed class CacheOptions : FreezableOptions
{
    /// <summary>Whether calls with a key are cached. Default false.</summary>
    public bool Enabled { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>How long an answer is served as if live. Zero: never fresh (only used when things go wrong). Default 30 s.</summary>
    public TimeSpan FreshFor { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(30);

    /// <summary>How long past fresh an answer may still be served stale. Default 10 min.</summary>
    public TimeSpan StaleFor { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromMinutes(10);

    /// <summary>The most answers kept; the least recently used go first. Default 1000.</summary>
    public int MaxEntries { get; set { ThrowIfFrozen(); field = value; } } = 1000;

    /// <summary>Serve a stale answer at once and refresh it in the background (once per key). Default true.</summary>
    public bool StaleWhileRevalidate { get; set { ThrowIfFrozen(); field = value; } } = true;

    /// <summary>When the call fails or the breaker is open, serve a stale answer instead of an error. Default true.</summary>
    public bool StaleOnError { get; set { ThrowIfFrozen(); field = value; } } = true;

    /// <summary>
    /// The most callers that may wait on one in-flight fetch for a key (single flight), over and above the
    /// bulkhead's slots and queue. Default 10 000.
    /// </summary>
    public int MaxWaiters { get; set { ThrowIfFrozen(); field = value; } } = 10_000;

    internal void Validate(string path, List<string> errors)
    {
        if (FreshFor < TimeSpan.Zero) errors.Add($"{path}:FreshFor must be 0 or more, not {FreshFor}.");
        if (StaleFor < TimeSpan.Zero) errors.Add($"{path}:StaleFor must be 0 or more, not {StaleFor}.");
        if (Enabled && FreshFor <= TimeSpan.Zero && StaleFor <= TimeSpan.Zero) errors.Add($"{path}: FreshFor and StaleFor are both 0, so nothing would ever be kept.");
        if (MaxEntries < 1) errors.Add($"{path}:MaxEntries must be at least 1, not {MaxEntries}.");
        if (MaxWaiters is < 0 or > 1_000_000) errors.Add($"{path}:MaxWaiters must be between 0 and 1000000, not {MaxWaiters}.");
    }
}
