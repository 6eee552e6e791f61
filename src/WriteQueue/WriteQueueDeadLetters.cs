using Akka.Actor;
using Akka.Event;
using Orchestrator.Contracts;

namespace Orchestrator.WriteQueue;

/// <summary>
/// Answers <see cref="EnqueueFailed"/> for every <see cref="EnqueueWrite"/> that ends in dead letters: when the queue
/// stops after a failure of its database, the commands it held back while writing are dropped, and their callers
/// would otherwise learn nothing until their own timeout. Such a write was never stored, so the answer is true.
/// </summary>
internal sealed class WriteQueueDeadLetters : ReceiveActor
{
    /// <summary>The actor's name.</summary>
    public const string Name = "write-queue-dead-letters";

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public WriteQueueDeadLetters()
    {
        Receive<DeadLetter>(d => d.Message is EnqueueWrite && !d.Sender.IsNobody(), d =>
        {
            var write = (EnqueueWrite)d.Message;
            Orchestrator.Actors.Telemetry.OrchestratorMetrics.WriteQueueEvent(write.Target, "refused");
            d.Sender.Tell(new EnqueueFailed(
                "The write was not accepted: the write queue stopped (its database failed, see its log) before it could store it; nothing is stored."));
        });
        Receive<DeadLetter>(_ => { });
    }

    /// <summary>Props for the actor.</summary>
    public static Props Props() => Akka.Actor.Props.Create(() => new WriteQueueDeadLetters());

    /// <inheritdoc />
    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    /// <inheritdoc />
    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
