using Akka.Actor;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Observability;

/// <summary>
/// What one running orchestrator publishes for its observers, all of it readable from any thread without a
/// message: every dependency's handle (its breaker board, bulkhead slots and gate), the node's controls (the
/// coordinator's board, the load shedder). The observable
/// instruments (<see cref="OrchestratorGauges"/>) and the degradation health (<see cref="Health.DegradationHealth"/>)
/// read it; nothing here asks an actor.
/// </summary>
/// <param name="System">The actor system the orchestrator runs in.</param>
/// <param name="Directory">Every dependency's handle.</param>
/// <param name="Controls">The node's controls.</param>
/// <param name="Features">The declared features, by name (their tiers and dependencies).</param>
internal sealed record TelemetrySource(ActorSystem System, DependencyDirectory Directory, NodeControls Controls,
    IReadOnlyDictionary<string, FeatureOptions> Features);
