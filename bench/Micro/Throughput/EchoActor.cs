using Akka.Actor;

namespace Orchestrator.Bench.Micro.Throughput;

/// <summary>An actor that sends every message back to its sender: the bare Akka.NET round trip the baselines measure.</summary>
public sealed class EchoActor : ReceiveActor
{
    public EchoActor() => ReceiveAny(message => Sender.Tell(message));

    /// <summary>The message the baselines send (one instance, so that the baseline allocates no message).</summary>
    public sealed class Ping
    {
        public static readonly Ping Instance = new();

        private Ping()
        {
        }
    }
}
