namespace Orchestrator.Contracts;

/// <summary>A feature and whether it is on now, and why.</summary>
/// <param name="Name">The feature.</param>
/// <param name="Tier">Its tier.</param>
/// <param name="Enabled">Whether calls for it go through.</param>
/// <param name="Switch">What decides it now.</param>
/// <param name="Until">For a temporary disable: when it is tried again.</param>
/// <param name="Reason">Why it is off, in words.</param>
public sealed record FeatureStatus(string Name, Tier Tier, bool Enabled, FeatureSwitch Switch, DateTimeOffset? Until, string? Reason);
