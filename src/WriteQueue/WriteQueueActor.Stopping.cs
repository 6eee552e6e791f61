using Akka.Event;
using Akka.Actor;
using Orchestrator.Contracts;

namespace Orchestrator.WriteQueue;

public sealed partial class WriteQueueActor
{
    private const string StopWaitTimer = "stop-wait";
    private readonly List<IActorRef> _awaitingStop = [];
    private bool _deliveriesStopped, _stopAnswered, _snapshotForStop;

    /// <summary>
    /// The host is stopping: no delivery starts any more (writes are still accepted and stored, for the next start).
    /// The answer waits for the deliveries in flight, then for a snapshot, at most <see cref="StopDeliveries.Wait"/>.
    /// </summary>
    private void OnStopDeliveries(StopDeliveries stop)
    {
        _deliveriesStopped = true;
        _awaitingStop.Add(Sender);
        _log.Info("Write queue stops delivering, the host is stopping: {Depth} waiting, {InFlight} in flight (waits up to {Wait} for them)",
            _state.PendingCount, _inFlight.Count, stop.Wait);
        Timers.StartSingleTimer(StopWaitTimer, StopWaitOver.Instance, stop.Wait);
        Become(Stopping);
        FinishStopWhenIdle();
    }

    /// <summary>Deliveries stopped: writes are accepted and stored; deliveries in flight are recorded when they succeed.</summary>
    private void Stopping()
    {
        Command<DeliveryFinished>(OnDeliveryFinishedWhileStopping);
        Command<RetryDue>(_ => { });
        Command<ResumeTarget>(_ => { });
        Command<StopDeliveries>(_ =>
        {
            if (_stopAnswered) Sender.Tell(new DeliveriesStopped(_state.PendingCount, _inFlight.Count));
            else _awaitingStop.Add(Sender);
        });
        Command<StopWaitOver>(_ => AnswerStop());
        CommonCommands();
    }

    /// <summary>
    /// A success is recorded as usual. A failure is not counted as an attempt: the target may have failed only
    /// because this host is stopping (its own HTTP server, its connections); the entry is delivered again after the
    /// next start.
    /// </summary>
    private void OnDeliveryFinishedWhileStopping(DeliveryFinished finished)
    {
        if (!_inFlight.Remove(finished.Id) || !_state.TryGetPending(finished.Id, out var write))
        {
            FinishStopWhenIdle();
            return;
        }
        if (finished.Result is { Outcome: CallOutcome.Succeeded })
        {
            RecordDelivered(write, FinishStopWhenIdle);
            return;
        }
        _log.Info("Write {WriteId} for {Target} key {Key} was not delivered as the queue stops; not counted as an attempt, it is delivered after the next start",
            write.Id, write.Target, write.Key);
        FinishStopWhenIdle();
    }

    /// <summary>Once nothing is in flight: a snapshot of what the queue holds (so the next start replays little), then the answer.</summary>
    private void FinishStopWhenIdle()
    {
        if (_stopAnswered || _snapshotForStop || _inFlight.Count > 0) return;
        if (_eventsSinceSnapshot == 0)
        {
            AnswerStop();
            return;
        }
        _snapshotForStop = true;
        _eventsSinceSnapshot = 0;
        SaveSnapshot(_state.ToSnapshot());
    }

    /// <summary>A snapshot was saved, or failed (the journal still holds everything).</summary>
    private void OnSnapshotDone()
    {
        if (_snapshotForStop) AnswerStop();
    }

    private void AnswerStop()
    {
        if (_stopAnswered) return;
        _stopAnswered = true;
        Timers.Cancel(StopWaitTimer);
        _log.Info("Write queue stopped delivering: {Depth} waiting for the next start, {StillInFlight} deliveries unfinished", _state.PendingCount,
            _inFlight.Count);
        foreach (var replyTo in _awaitingStop) replyTo.Tell(new DeliveriesStopped(_state.PendingCount, _inFlight.Count));
        _awaitingStop.Clear();
    }
}
