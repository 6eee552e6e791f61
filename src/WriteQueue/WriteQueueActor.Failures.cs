using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.WriteQueue;

// The write queue's storage failures: a journal it cannot read (the host stops), an event it could not store (the caller hears why).
public sealed partial class WriteQueueActor
{
    /// <inheritdoc />
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _log.Error(reason, "Write queue could not read {Store}: {Error}", _store, reason.Message);
        // Data that cannot be read will not be read on the next try: say so once, for the host to stop, rather than loop.
        if (JournalFailures.IsUnreadable(reason)) Context.System.EventStream.Publish(new JournalUnreadable(_store, PersistenceId, JournalFailures.Describe(reason)));
        base.OnRecoveryFailure(reason, message);
    }

    /// <inheritdoc />
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        NotStored(cause, @event);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <inheritdoc />
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        NotStored(cause, @event);
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    private void NotStored(Exception cause, object @event)
    {
        var problem = Describe(cause);
        _log.Error(cause, "Write queue could not store {EventType} in {Store}: {Error}", @event.GetType().Name, _store, problem);
        if (@event is WriteQueued queued && _awaitingStore.Remove(queued.Write.Id, out var replyTo))
        {
            OrchestratorMetrics.WriteQueueEvent(queued.Write.Target, "refused");
            replyTo.Tell(new EnqueueFailed($"The write was not accepted: it could not be stored in {_store}: {problem}"));
        }
    }

    private static string Describe(Exception cause)
    {
        var messages = new List<string>();
        for (var e = cause; e is not null; e = e.InnerException)
            if (!messages.Contains(e.Message)) messages.Add(e.Message);
        return string.Join(" ", messages);
    }
}
