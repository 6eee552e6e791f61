namespace Orchestrator.Contracts;

/// <summary>
/// Injects <paramref name="Fault"/> into <paramref name="Dependency"/>'s calls, replacing any fault it has, on this node
/// or on every member (<paramref name="Scope"/>). Send it to the dependencies supervisor; answered with a
/// <see cref="FaultCommandResult"/>. Refused (not thrown) when injection is switched off (<c>Orchestrator:Chaos:Enabled</c>),
/// for an unknown dependency, or for an invalid fault.
/// </summary>
public sealed record InjectFault(string Dependency, Fault Fault, FaultScope Scope = FaultScope.Node);

/// <summary>Ends the fault of <paramref name="Dependency"/> (if any), on this node or on every member. Answered with a <see cref="FaultCommandResult"/>.</summary>
public sealed record ClearFault(string Dependency, FaultScope Scope = FaultScope.Node);

/// <summary>What a fault command did.</summary>
/// <param name="Dependency">The dependency named.</param>
/// <param name="Fault">The dependency's fault now (on this node); null when it has none.</param>
/// <param name="Nodes">How many nodes carried the command out (1 for a node's own).</param>
/// <param name="Error">Why the command was refused, in words; null when it was accepted.</param>
public sealed record FaultCommandResult(string Dependency, FaultStatus? Fault, int Nodes, string? Error)
{
    /// <summary>Whether the command was carried out.</summary>
    public bool Accepted => Error is null;

    /// <summary>Why the command was refused, as data (an HTTP API maps it to a status); null when it was accepted.</summary>
    public FaultRefusal? Refusal { get; init; }

    /// <summary>A refusal of a command for <paramref name="dependency"/>, for <paramref name="why"/>, explained by <paramref name="error"/>.</summary>
    public static FaultCommandResult Refused(string dependency, FaultRefusal why, string error, int nodes = 0) =>
        new(dependency, null, nodes, error) { Refusal = why };
}

/// <summary>A dependency's injected fault, as status shows it.</summary>
/// <param name="Fault">The fault.</param>
/// <param name="Since">When it was injected.</param>
/// <param name="Until">When it ends by itself; null: when it is cleared.</param>
/// <param name="Affected">How many calls (and probes) it has affected so far.</param>
public sealed record FaultStatus(Fault Fault, DateTimeOffset Since, DateTimeOffset? Until, long Affected)
{
    /// <summary>The fault in words.</summary>
    public string Description => Fault.ToString();
}
