using Akka.Actor;
using Akka.Hosting;
using Orchestrator.Actors.Cluster;
using Orchestrator.Actors.Coordination;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Observability;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Root;

/// <summary>
/// The orchestrator's root actor (<c>/user/orchestrator</c>), its composition root. It creates its children (the
/// dependencies supervisor and the priority coordinator over one <see cref="OrchestratorRuntime"/>, and, when the
/// actor system is clustered, the <see cref="ClusterStateActor"/>) and registers them in the Akka.Hosting actor
/// registry, where <c>IRequiredActor&lt;DependencySupervisor&gt;</c> and <c>IRequiredActor&lt;PriorityCoordinator&gt;</c>
/// find them. The runtime is made with its Props, so a restarted guardian gives its new children the same handles.
/// </summary>
public sealed class OrchestratorGuardian : ReceiveActor
{
    /// <summary>The guardian's actor name.</summary>
    public const string Name = ActorNames.Guardian;

    /// <summary>The dependencies supervisor's actor name.</summary>
    public const string DependenciesName = ActorNames.Dependencies;

    /// <summary>The priority coordinator's actor name.</summary>
    public const string CoordinatorName = ActorNames.Coordinator;

    private readonly OrchestratorRuntime _runtime;
    private readonly IActorRegistry? _registry;
    private IActorRef _dependencies = ActorRefs.Nobody;
    private IActorRef _coordinator = ActorRefs.Nobody;
    private IActorRef _clusterState = ActorRefs.Nobody;

    /// <summary>Creates the guardian; use <see cref="Props(OrchestratorRuntime, IActorRegistry?)"/>.</summary>
    public OrchestratorGuardian(OrchestratorRuntime runtime, IActorRegistry? registry)
    {
        _runtime = runtime;
        _registry = registry;
        Receive<GetOrchestratorChildren>(_ => Sender.Tell(new OrchestratorChildren(_dependencies, _coordinator, _clusterState)));
    }

    /// <summary>Props for the guardian; <paramref name="registry"/> (optional) receives the children.</summary>
    public static Props Props(OrchestratorOptions options, IActorRegistry? registry = null) => Props(new OrchestratorRuntime(options), registry);

    /// <summary>Props for the guardian of <paramref name="runtime"/>.</summary>
    public static Props Props(OrchestratorRuntime runtime, IActorRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return Akka.Actor.Props.Create(() => new OrchestratorGuardian(runtime, registry));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        var options = _runtime.Options;
        // What the orchestrator publishes (breakers, bulkheads, board) is read by the observable instruments and the degradation health.
        TelemetrySources.Track(Context.System, _runtime.DirectoryFor(Context.System), _runtime.Controls, _runtime.Options.Features);
        _dependencies = Context.ActorOf(DependencySupervisor.Props(_runtime), DependenciesName);
        _coordinator = Context.ActorOf(PriorityCoordinator.Props(options, _runtime.Controls, _dependencies, options.TimeProvider), CoordinatorName);
        if (options.Cluster.Enabled && ClusterSharing.IsClustered(Context.System))
            _clusterState = Context.ActorOf(ClusterStateActor.Props(options, _dependencies, _coordinator), ClusterStateActor.Name);
        // After a restart of the guardian, point the registry at the new children (at start, the hosting
        // extension registers them once they exist, before the host has started).
        if (_registry?.TryGet<DependencySupervisor>(out _) == true)
        {
            _registry.Register<DependencySupervisor>(_dependencies, overwrite: true);
            _registry.Register<PriorityCoordinator>(_coordinator, overwrite: true);
            if (!_clusterState.IsNobody()) _registry.Register<ClusterStateActor>(_clusterState, overwrite: true);
        }
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(Decider.From(Directive.Restart));
}

/// <summary>Asks the guardian for its children.</summary>
public sealed record GetOrchestratorChildren
{
    /// <summary>The one instance.</summary>
    public static readonly GetOrchestratorChildren Instance = new();
}

/// <summary>The guardian's children; <paramref name="ClusterState"/> is <c>Nobody</c> unless the actor system is clustered and sharing is on.</summary>
public sealed record OrchestratorChildren(IActorRef Dependencies, IActorRef Coordinator, IActorRef ClusterState);
