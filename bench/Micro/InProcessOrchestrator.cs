using Akka.Actor;
using Akka.Configuration;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Root;
using Orchestrator.Contracts;

namespace Orchestrator.Bench.Micro;

/// <summary>
/// An orchestrator in this process, started as a host would (the <see cref="OrchestratorGuardian"/> with its
/// dependencies supervisor and coordinator), guarding <see cref="BenchDependency"/>; with the ways to call it.
/// </summary>
public sealed class InProcessOrchestrator : IAsyncDisposable
{
    private static readonly Config Quiet = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING");

    private InProcessOrchestrator(ActorSystem system, IActorRef dependencies, DependencyHandle handle)
    {
        System = system;
        Dependencies = dependencies;
        Handle = handle;
        Client = new GuardedCallsClient(dependencies);
        Sink = new ResultSink(system);
    }

    public ActorSystem System { get; }

    /// <summary>The dependencies supervisor (what actors tell and ask).</summary>
    public IActorRef Dependencies { get; }

    /// <summary>The dependency's handle from the directory (what the typed client uses).</summary>
    internal DependencyHandle Handle { get; }

    /// <summary>The typed client.</summary>
    public IGuardedCalls Client { get; }

    /// <summary>An actor that receives told results.</summary>
    public ResultSink Sink { get; }

    /// <summary>
    /// Starts the orchestrator, with stress signals that read calm (<see cref="CalmStress"/>: the benchmark's own CPU
    /// must not switch its calls off); <paramref name="configure"/> may change its options before they are validated.
    /// </summary>
    public static async Task<InProcessOrchestrator> StartAsync(Action<OrchestratorOptions>? configure = null)
    {
        var declared = BenchDependency.Declare(new OrchestratorOptions { StressSignals = new CalmStress() });
        configure?.Invoke(declared);
        var options = declared.Validate();
        var system = ActorSystem.Create("micro", Quiet);
        var guardian = system.ActorOf(OrchestratorGuardian.Props(options), OrchestratorGuardian.Name);
        var children = await guardian.Ask<OrchestratorChildren>(GetOrchestratorChildren.Instance, TimeSpan.FromSeconds(10));
        var directory = await children.Dependencies.Ask<DependencyDirectory>(GetDependencyDirectory.Instance, TimeSpan.FromSeconds(10));
        return new InProcessOrchestrator(system, children.Dependencies, directory.Handles[BenchDependency.Name]);
    }

    /// <summary>A new call to the dependency (callers build one per call).</summary>
    public static GuardedCall<int> NewCall() => new(BenchDependency.Name, BenchDependency.Work);

    /// <summary>Isolates the breaker and waits until its actor has published it.</summary>
    public async Task IsolateAsync()
    {
        await Dependencies.Ask<BreakerCommandAccepted>(new IsolateBreaker(BenchDependency.Name), TimeSpan.FromSeconds(10));
        if (Handle.Breaker.State != BreakerState.Isolated) throw new InvalidOperationException("The breaker did not publish its isolation.");
    }

    public async ValueTask DisposeAsync() => await System.Terminate();
}
