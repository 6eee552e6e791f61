namespace Orchestrator.Contracts;

/// <summary>How much work one dependency may have at once.</summary>
public sealed class BulkheadOptions : FreezableOptions
{
    /// <summary>The most calls that may run at once. Default 10.</summary>
    public int MaxConcurrency { get; set { ThrowIfFrozen(); field = value; } } = 10;

    /// <summary>The most calls that may wait for a slot; beyond that calls are rejected at once. Default 20.</summary>
    public int QueueCapacity { get; set { ThrowIfFrozen(); field = value; } } = 20;

    /// <summary>
    /// When set, the dependency's work runs on this many threads of its own instead of the shared thread pool,
    /// so that blocking code there cannot starve other dependencies. Default null (shared pool).
    /// </summary>
    public int? DedicatedThreads { get; set { ThrowIfFrozen(); field = value; } }

    internal void Validate(string path, List<string> errors)
    {
        if (MaxConcurrency < 1) errors.Add($"{path}:MaxConcurrency must be at least 1, not {MaxConcurrency}.");
        if (QueueCapacity < 0) errors.Add($"{path}:QueueCapacity must be 0 or more, not {QueueCapacity}.");
        if (DedicatedThreads is { } n && (n < 1 || n > 256)) errors.Add($"{path}:DedicatedThreads must be between 1 and 256, not {n}.");
    }
}
