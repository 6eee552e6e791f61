using Orchestrator.Contracts;

namespace Orchestrator.Actors.Client;

/// <summary>
/// Injects faults into the declared dependencies, on purpose (<see cref="Fault"/>), for code that is not an actor.
/// Resolve it from dependency injection after <c>services.AddChaos()</c>. Every refusal (injection switched off by
/// <c>Orchestrator:Chaos:Enabled</c>, an unknown dependency, an invalid fault) is a result, never an exception.
/// </summary>
public interface IChaos
{
    /// <summary>Injects <paramref name="fault"/> into <paramref name="dependency"/>, replacing its fault, on this node or on every member.</summary>
    Task<FaultCommandResult> InjectAsync(string dependency, Fault fault, FaultScope scope = FaultScope.Node, CancellationToken cancellationToken = default);

    /// <summary>Ends <paramref name="dependency"/>'s fault, on this node or on every member.</summary>
    Task<FaultCommandResult> ClearAsync(string dependency, FaultScope scope = FaultScope.Node, CancellationToken cancellationToken = default);
}
