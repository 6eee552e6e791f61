using Akka.Actor;
using Polly;

namespace Orchestrator.Bench.Micro.Throughput;

/// <summary>What the ways call: the orchestrator, one Polly pipeline shared by every caller, and an echo actor in the orchestrator's system.</summary>
public sealed class CallTargets(InProcessOrchestrator orchestrator)
{
    public InProcessOrchestrator Orchestrator { get; } = orchestrator;

    /// <summary>The Polly pipeline with the orchestrator's limits (<see cref="PollyPipeline.Build"/>).</summary>
    public ResiliencePipeline Pipeline { get; } = PollyPipeline.Build();

    /// <summary>The echo actor of the bare Akka.NET baselines.</summary>
    public IActorRef Echo { get; } = orchestrator.System.ActorOf(Props.Create(() => new EchoActor()), "throughput-echo");
}
