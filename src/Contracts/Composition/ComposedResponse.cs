namespace Orchestrator.Contracts;

/// <summary>
/// The answer of several guarded calls run in parallel under one deadline: every part that answered in time,
/// degraded or not, and the parts left out. It fails only when a CRITICAL part has no value; when that part was
/// refused (the caller's error), <see cref="Refused"/> names it, and the whole is the caller's answer, not a failure.
/// </summary>
/// <param name="Parts">The parts, in the order they were asked for.</param>
/// <param name="Deadline">The deadline the parts ran under.</param>
/// <param name="Elapsed">How long the composition took.</param>
public sealed record ComposedResponse(IReadOnlyList<ComposedPart> Parts, DateTimeOffset Deadline, TimeSpan Elapsed)
{
    /// <summary>True when a CRITICAL part has no value: the whole cannot be served.</summary>
    public bool Failed => Parts.Any(p => p.Tier == Tier.Critical && p.Status is PartStatus.Omitted or PartStatus.Refused);

    /// <summary>The first CRITICAL part the dependency refused (the caller's error), if any.</summary>
    public ComposedPart? Refused => Parts.FirstOrDefault(p => p.Tier == Tier.Critical && p.Status == PartStatus.Refused);

    /// <summary>True when every part succeeded.</summary>
    public bool Complete => Parts.All(p => p.Status == PartStatus.Succeeded);

    /// <summary>The part called <paramref name="name"/>.</summary>
    public ComposedPart this[string name] =>
        Parts.FirstOrDefault(p => p.Name == name) ?? throw new KeyNotFoundException($"No part named '{name}'. Parts: {string.Join(", ", Parts.Select(p => p.Name))}.");
}
