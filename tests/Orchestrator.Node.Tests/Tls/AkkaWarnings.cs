using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Actor.Dsl;
using Akka.Event;

namespace Orchestrator.Node.Tests.Tls;

/// <summary>Records the warnings an actor system logs (Akka's own, from its event stream) from now on.</summary>
public sealed class AkkaWarnings
{
    private readonly ConcurrentQueue<string> _messages = new();

    private AkkaWarnings(ActorSystem system)
    {
        var recorder = system.ActorOf(act => act.Receive<Warning>((w, _) => _messages.Enqueue($"{w.LogSource}: {w.Message}")));
        system.EventStream.Subscribe(recorder, typeof(Warning));
    }

    /// <summary>Starts recording in <paramref name="system"/>.</summary>
    public static AkkaWarnings Watch(ActorSystem system) => new(system);

    /// <summary>How many recorded warnings contain <paramref name="text"/>.</summary>
    public int Containing(string text) => _messages.Count(m => m.Contains(text, StringComparison.Ordinal));

    /// <summary>The warnings so far, for a test's message.</summary>
    public override string ToString() => string.Join(" | ", _messages);
}
