using Akka.Actor;
using Orchestrator.Actors.Client;
using Orchestrator.Contracts;
using Polly;

namespace Orchestrator.Bench.Micro.Throughput;

/// <summary>
/// The ways the throughput runner knows, by name: a direct call, a Polly pipeline, the orchestrator through its
/// typed client and by tell to the dependency's handle from an actor, and the bare Akka.NET ask and tell round
/// trips to an echo actor as baselines.
/// </summary>
public static class WayCatalog
{
    public const string Direct = "direct";
    public const string Polly = "polly";
    public const string Client = "client";
    public const string Ask = "ask";
    public const string TellEcho = "tell-echo";
    public const string TellHandle = "tell-handle";

    /// <summary>Every way, in the order of the reports.</summary>
    public static readonly IReadOnlyList<string> Names = [Direct, Polly, Client, Ask, TellEcho, TellHandle];

    /// <summary>What <see cref="BenchDependency.Work"/> answers.</summary>
    public const int Answer = 42;

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Builds the way named <paramref name="name"/> (one of <see cref="Names"/>) against <paramref name="targets"/>.</summary>
    public static ThroughputWay Create(string name, CallTargets targets) => name switch
    {
        Direct => new TaskLoopWay(name, CallDirectAsync),
        Polly => new TaskLoopWay(name, () => CallPollyAsync(targets.Pipeline)),
        Client => new TaskLoopWay(name, () => CallClientAsync(targets.Orchestrator.Client)),
        Ask => new TaskLoopWay(name, () => AskEchoAsync(targets.Echo)),
        TellEcho => new ActorLoopWay(name, targets.Orchestrator.System,
            self => targets.Echo.Tell(EchoActor.Ping.Instance, self),
            reply => ReferenceEquals(reply, EchoActor.Ping.Instance)),
        TellHandle => new ActorLoopWay(name, targets.Orchestrator.System,
            self => targets.Orchestrator.Handle.Tell(InProcessOrchestrator.NewCall() with { ReplyTo = self }, self),
            reply => reply is CallResult<int> { Value: Answer }),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, $"Unknown way; valid ways: {string.Join(", ", Names)}."),
    };

    /// <summary>The work itself in a try/catch, as <see cref="GuardedCallBenchmarks.Direct"/> calls it.</summary>
    private static async ValueTask CallDirectAsync()
    {
        int value;
        try
        {
            value = await BenchDependency.Work(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            value = BenchDependency.Fallback;
        }
        Expect(Direct, value);
    }

    private static async ValueTask CallPollyAsync(ResiliencePipeline pipeline) =>
        Expect(Polly, await PollyPipeline.CallAsync(pipeline, BenchDependency.Fallback).ConfigureAwait(false));

    private static async ValueTask CallClientAsync(IGuardedCalls client)
    {
        var result = await client.CallAsync(InProcessOrchestrator.NewCall()).ConfigureAwait(false);
        if (result.Value != Answer) throw new InvalidOperationException($"{Client}: unexpected result {result}");
    }

    private static async ValueTask AskEchoAsync(IActorRef echo)
    {
        var reply = await echo.Ask<object>(EchoActor.Ping.Instance, AskTimeout).ConfigureAwait(false);
        if (!ReferenceEquals(reply, EchoActor.Ping.Instance)) throw new InvalidOperationException($"{Ask}: unexpected reply {reply}");
    }

    private static void Expect(string way, int value)
    {
        if (value != Answer) throw new InvalidOperationException($"{way}: expected {Answer}, got {value}");
    }
}
