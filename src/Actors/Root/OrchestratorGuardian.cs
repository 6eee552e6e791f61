using Akka.Actor;
using Akka.Hosting;
using Orchestrator.Actors.Coordination;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Observability;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Root;

/// <summary>
/// The orchestrator's root actor (<c>/user/orchestrator</c>), its composition root. It creates its children (the
/// dependencies supervisor and the priority coordinator over one <see cref="OrchestratorRuntime"/>) and the children
/// other packages ask it to adopt (<see cref="AdoptChild"/>: the cluster package's cluster-state actor), and keeps
/// the Akka.Hosting actor registry pointing at them. The runtime is made with its Props, so a restarted guardian
/// gives its new children the same handles and adopts the same children again.
/// </summary>
internal sealed class OrchestratorGuardian : ReceiveActor
{
    /// <summary>The guardian's actor name.</summary>
    public const string Name = ActorNames.Guardian;

    /// <summary>The dependencies supervisor's actor name.</summary>
    public const string DependenciesName = ActorNames.Dependencies;

    /// <summary>The priority coordinator's actor name.</summary>
    public const string CoordinatorName = ActorNames.Coordinator;

    private readonly OrchestratorRuntime _runtime;
    private readonly IActorRegistry? _registry;
    private readonly List<AdoptChild> _adoptions;
    private readonly Dictionary<string, IActorRef> _adopted = new(StringComparer.Ordinal);
    private OrchestratorChildren _children = new(ActorRefs.Nobody, ActorRefs.Nobody);

    /// <summary>Creates the guardian; use <see cref="Props(OrchestratorRuntime, IActorRegistry?)"/>.</summary>
    public OrchestratorGuardian(OrchestratorRuntime runtime, IActorRegistry? registry, List<AdoptChild> adoptions)
    {
        _runtime = runtime;
        _registry = registry;
        _adoptions = adoptions;
        Receive<GetOrchestratorChildren>(_ => Sender.Tell(_children));
        Receive<AdoptChild>(adopt =>
        {
            if (!_adopted.ContainsKey(adopt.Name)) _adoptions.Add(adopt);
            Sender.Tell(Adopt(adopt));
        });
    }

    /// <summary>Props for the guardian; <paramref name="registry"/> (optional) receives the children.</summary>
    public static Props Props(OrchestratorOptions options, IActorRegistry? registry = null) => Props(new OrchestratorRuntime(options), registry);

    /// <summary>Props for the guardian of <paramref name="runtime"/>.</summary>
    public static Props Props(OrchestratorRuntime runtime, IActorRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        // Kept with the Props, so that a restarted guardian adopts the same children again (its thread only).
        var adoptions = new List<AdoptChild>();
        return Akka.Actor.Props.Create(() => new OrchestratorGuardian(runtime, registry, adoptions));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        var options = _runtime.Options;
        // What the orchestrator publishes (breakers, bulkheads, board) is read by the observable instruments and the degradation health.
        TelemetrySources.Track(Context.System, _runtime.DirectoryFor(Context.System), _runtime.Controls, new Dictionary<string, FeatureOptions>(_runtime.Options.Features, StringComparer.Ordinal));
        var dependencies = Context.ActorOf(DependencySupervisor.Props(_runtime), DependenciesName);
        var coordinator = Context.ActorOf(PriorityCoordinator.Props(options, _runtime.Controls, dependencies, options.TimeProvider), CoordinatorName);
        _children = new OrchestratorChildren(dependencies, coordinator);
        // After a restart of the guardian, point the registry at the new children (at start, the hosting extension
        // registers them as soon as they exist).
        if (_registry?.TryGet<DependencySupervisor>(out _) == true)
        {
            _registry.Register<DependencySupervisor>(dependencies, overwrite: true);
            _registry.Register<PriorityCoordinator>(coordinator, overwrite: true);
        }
        foreach (var adopt in _adoptions) Adopt(adopt);
    }

    private IActorRef Adopt(AdoptChild adopt)
    {
        if (_adopted.TryGetValue(adopt.Name, out var known)) return known;
        var child = Context.ActorOf(adopt.Props(_children), adopt.Name);
        _adopted[adopt.Name] = child;
        if (adopt.Name == ActorNames.ClusterState) _runtime.ClusterState = child;
        _registry?.TryRegister(adopt.RegistryKey, child, overwrite: true);
        return child;
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(Decider.From(Directive.Restart));
}

/// <summary>Asks the guardian for its children.</summary>
internal sealed record GetOrchestratorChildren
{
    /// <summary>The one instance.</summary>
    public static readonly GetOrchestratorChildren Instance = new();
}

/// <summary>The guardian's own children.</summary>
internal sealed record OrchestratorChildren(IActorRef Dependencies, IActorRef Coordinator);

/// <summary>
/// Asks the guardian to create, supervise and re-create after its own restart a child named <paramref name="Name"/>
/// from <paramref name="Props"/> (given the guardian's children), and to register it in the actor registry under
/// <paramref name="RegistryKey"/>. Answered with the child's ref; asking again for the same name answers the same child.
/// </summary>
internal sealed record AdoptChild(string Name, Type RegistryKey, Func<OrchestratorChildren, Props> Props);
