using Akka.Actor;
using Akka.Hosting;
using Orchestrator.Actors.Admission;
using Orchestrator.Actors.Coordination;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The orchestrator's root actor (<c>/user/orchestrator</c>). It creates its children (the dependencies
/// supervisor and the priority coordinator, sharing the node's <see cref="NodeControls"/>) and registers them in
/// the Akka.Hosting actor registry, where <c>IRequiredActor&lt;DependencySupervisor&gt;</c> and
/// <c>IRequiredActor&lt;PriorityCoordinator&gt;</c> find them.
/// </summary>
public sealed class OrchestratorGuardian : ReceiveActor
{
    /// <summary>The guardian's actor name.</summary>
    public const string Name = "orchestrator";

    /// <summary>The dependencies supervisor's actor name.</summary>
    public const string DependenciesName = "dependencies";

    /// <summary>The priority coordinator's actor name.</summary>
    public const string CoordinatorName = "coordinator";

    private readonly OrchestratorOptions _options;
    private readonly IActorRegistry? _registry;

    /// <summary>Creates the guardian; use <see cref="Props"/>.</summary>
    public OrchestratorGuardian(OrchestratorOptions options, IActorRegistry? registry)
    {
        _options = options;
        _registry = registry;
        ReceiveAny(_ => Unhandled(_));
    }

    /// <summary>Props for the guardian; <paramref name="registry"/> (optional) receives the children.</summary>
    public static Props Props(OrchestratorOptions options, IActorRegistry? registry = null) =>
        Akka.Actor.Props.Create(() => new OrchestratorGuardian(options, registry));

    /// <inheritdoc />
    protected override void PreStart()
    {
        var controls = new NodeControls(new DegradationBoard(),
            _options.Admission.Enabled ? new AdmissionController(_options.Admission) : null);
        var dependencies = Context.ActorOf(DependencySupervisor.Props(_options, controls), DependenciesName);
        var coordinator = Context.ActorOf(PriorityCoordinator.Props(_options, controls, dependencies, _options.TimeProvider), CoordinatorName);
        _registry?.Register<DependencySupervisor>(dependencies, overwrite: true);
        _registry?.Register<PriorityCoordinator>(coordinator, overwrite: true);
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(Decider.From(Directive.Restart));
}
