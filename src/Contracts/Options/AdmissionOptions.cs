namespace Orchestrator.Contracts;

/// <summary>The node's load shedder: a limit on calls in flight across all dependencies, with shares per tier.</summary>
public sealed class AdmissionOptions : FreezableOptions
{
    /// <summary>Whether calls pass admission control at all. Default false.</summary>
    public bool Enabled { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>Calls in flight on this node (all dependencies) beyond which calls are shed. Default 200.</summary>
    public int Limit { get; set { ThrowIfFrozen(); field = value; } } = 200;

    /// <summary>The share of the limit OPTIONAL calls may fill; beyond it they are shed first. Default 0.5.</summary>
    public double OptionalShare { get; set { ThrowIfFrozen(); field = value; } } = 0.5;

    /// <summary>The share of the limit IMPORTANT calls may fill; the rest is kept for CRITICAL. Default 0.8.</summary>
    public double ImportantShare { get; set { ThrowIfFrozen(); field = value; } } = 0.8;

    /// <summary>Adapt the limit to latency (AIMD: grow by one per limit calls on time, shrink by <see cref="DecreaseFactor"/> on a slow or failed one). Default false.</summary>
    public bool Adaptive { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>The adaptive limit's floor. Default 10.</summary>
    public int MinLimit { get; set { ThrowIfFrozen(); field = value; } } = 10;

    /// <summary>The adaptive limit's ceiling. Default 1000.</summary>
    public int MaxLimit { get; set { ThrowIfFrozen(); field = value; } } = 1000;

    /// <summary>A call slower than this shrinks the adaptive limit. Default 1 s.</summary>
    public TimeSpan LatencyTarget { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(1);

    /// <summary>The factor the adaptive limit shrinks by (0..1). Default 0.9.</summary>
    public double DecreaseFactor { get; set { ThrowIfFrozen(); field = value; } } = 0.9;

    /// <summary>The Retry-After a shed HTTP request is answered with. Default 1 s.</summary>
    public TimeSpan RetryAfter { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(1);

    internal void Validate(string path, List<string> errors)
    {
        if (Limit < 1) errors.Add($"{path}:Limit must be at least 1, not {Limit}.");
        if (OptionalShare is <= 0 or > 1 || double.IsNaN(OptionalShare)) errors.Add($"{path}:OptionalShare must be in (0, 1], not {OptionalShare}.");
        if (ImportantShare is <= 0 or > 1 || double.IsNaN(ImportantShare)) errors.Add($"{path}:ImportantShare must be in (0, 1], not {ImportantShare}.");
        if (OptionalShare > ImportantShare) errors.Add($"{path}:OptionalShare ({OptionalShare}) must not be above ImportantShare ({ImportantShare}): OPTIONAL is shed first.");
        if (MinLimit < 1) errors.Add($"{path}:MinLimit must be at least 1, not {MinLimit}.");
        if (MaxLimit < MinLimit) errors.Add($"{path}:MaxLimit ({MaxLimit}) must not be below MinLimit ({MinLimit}).");
        if (Adaptive && (Limit < MinLimit || Limit > MaxLimit)) errors.Add($"{path}:Limit ({Limit}) must lie between MinLimit ({MinLimit}) and MaxLimit ({MaxLimit}) when Adaptive.");
        if (LatencyTarget <= TimeSpan.Zero) errors.Add($"{path}:LatencyTarget must be positive, not {LatencyTarget}.");
        if (DecreaseFactor is <= 0 or >= 1 || double.IsNaN(DecreaseFactor)) errors.Add($"{path}:DecreaseFactor must be in (0, 1), not {DecreaseFactor}.");
        if (RetryAfter < TimeSpan.Zero) errors.Add($"{path}:RetryAfter must be 0 or more, not {RetryAfter}.");
    }
}
