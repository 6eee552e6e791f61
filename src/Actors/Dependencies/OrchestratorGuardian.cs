using Akka.Actor;
using Akka.Hosting;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The orchestrator's root actor (<c>/user/orchestrator</c>). It creates its children and registers them in the
/// Akka.Hosting actor registry, where <c>IRequiredActor&lt;DependencySupervisor&gt;</c> finds them.
/// </summary>
public sealed class OrchestratorGuardian : ReceiveActor
{
    /// <summary>The guardian's actor name.</summary>
    public const string Name = "orchestrator";

    /// <summary>The dependencies supervisor's actor name.</summary>
    public const string DependenciesName = "dependencies";

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
        var dependencies = Context.ActorOf(DependencySupervisor.Props(_options), DependenciesName);
        _registry?.Register<DependencySupervisor>(dependencies, overwrite: true);
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(Decider.From(Directive.Restart));
}
