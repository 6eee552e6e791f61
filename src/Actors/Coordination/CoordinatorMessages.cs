using Orchestrator.Contracts;

namespace Orchestrator.Actors.Coordination;

/// <summary>Switches a feature by hand (<see cref="Enabled"/> true or false), or clears the manual setting (null).</summary>
public sealed record SetFeature(string Feature, bool? Enabled);

/// <summary>Asks the coordinator for its <see cref="DegradationStatus"/>.</summary>
public sealed record GetDegradation
{
    /// <summary>The one instance.</summary>
    public static readonly GetDegradation Instance = new();
}

/// <summary>The answer to a message naming a feature that is not declared.</summary>
public sealed record UnknownFeature(string Feature, IReadOnlyList<string> Known)
{
    /// <summary>A sentence naming the problem.</summary>
    public string Message => $"No feature named '{Feature}' is declared. Declared: {string.Join(", ", Known)}.";
}

internal sealed record SampleStress
{
    public static readonly SampleStress Instance = new();
}
