namespace Orchestrator.Contracts;

/// <summary>A feature that can be switched off to degrade gracefully.</summary>
public sealed class FeatureOptions : FreezableOptions
{
    /// <summary>How much the feature matters: Stressed switches OPTIONAL off, Severe IMPORTANT too, CRITICAL never. Default Important.</summary>
    public Tier Tier { get; set { ThrowIfFrozen(); field = value; } } = Tier.Important;

    /// <summary>
    /// The dependency the feature leans on. When its breaker stays open the feature is switched off for
    /// <see cref="CoolDown"/>, then tried again. Default: none.
    /// </summary>
    public string? Dependency { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>How long a feature whose dependency keeps failing stays off before it is tried again. Default 30 s.</summary>
    public TimeSpan CoolDown { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(30);

    internal void Validate(string path, List<string> errors, ICollection<string> dependencies)
    {
        if (!Enum.IsDefined(Tier)) errors.Add($"{path}:Tier must be Critical, Important or Optional, not {Tier}.");
        if (Dependency is { } d && !dependencies.Contains(d))
            errors.Add($"{path}:Dependency names '{d}', which is not a declared dependency. Declared: {string.Join(", ", dependencies)}.");
        if (CoolDown <= TimeSpan.Zero) errors.Add($"{path}:CoolDown must be positive, not {CoolDown}.");
    }
}
