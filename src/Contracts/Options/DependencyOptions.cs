namespace Orchestrator.Contracts;

/// <summary>How one dependency is guarded.</summary>
public sealed class DependencyOptions
{
    /// <summary>The timeout of a call that sets none. Default 5 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The dependency's circuit breaker.</summary>
    public CircuitBreakerOptions Breaker { get; set; } = new();

    /// <summary>The dependency's bulkhead.</summary>
    public BulkheadOptions Bulkhead { get; set; } = new();

    /// <summary>
    /// In code only: the answer given when a call fails and carries no fallback of its own, if its type fits the
    /// call's result type. Null: no default.
    /// </summary>
    public object? DefaultFallback { get; set; }

    internal void Validate(string path, List<string> errors)
    {
        if (Timeout <= TimeSpan.Zero) errors.Add($"{path}:Timeout must be positive, not {Timeout}.");
        if (Breaker is null) errors.Add($"{path}:Breaker is missing.");
        else Breaker.Validate($"{path}:Breaker", errors);
        if (Bulkhead is null) errors.Add($"{path}:Bulkhead is missing.");
        else Bulkhead.Validate($"{path}:Bulkhead", errors);
    }
}
