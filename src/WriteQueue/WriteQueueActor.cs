using Orchestrator.Actors;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Actors.Time;
using Orchestrator.Contracts;

namespace Orchestrator.WriteQueue;

/// <summary>
/// The durable write queue: accepts writes for later delivery, and answers <see cref="AcceptedForProcessing"/> only
/// once the entry is in the journal (<c>Persist</c>: commands wait while it is written). It delivers the entries
/// through guarded calls to each target's dependency, one at a time per target and key, in the order they were
/// accepted, with backoff after a failure, and moves an entry that failed <c>MaxAttempts</c> times to the poison
/// list. This file holds the commands and the journal; <c>WriteQueueActor.Delivery.cs</c> the deliveries.
/// </summary>
/// <remarks>
/// States: recovering (Akka.Persistence keeps every command until the journal has been replayed), then
/// <see cref="Ready"/>. When the journal cannot be written the enqueue waiting on it is answered
/// <see cref="EnqueueFailed"/> naming the problem, and the actor stops (its backoff supervisor starts it again,
/// which replays the journal).
/// </remarks>
public sealed partial class WriteQueueActor : ReceivePersistentActor, IWithTimers
{
    /// <summary>The queue's actor name.</summary>
    public const string Name = "write-queue";

    private readonly WriteQueueOptions _options;
    private readonly IReadOnlyDictionary<string, IWriteTarget> _targets;
    private readonly IActorRef _dependencies;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly string _store;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> _awaitingStore = new(StringComparer.Ordinal);
    private WriteQueueState _state = new();
    private int _eventsSinceSnapshot;
    private readonly WriteQueueGauge _gauge;

    /// <summary>Creates the queue; use <see cref="Props"/>.</summary>
    internal WriteQueueActor(WriteQueueOptions options, IEnumerable<IWriteTarget> targets, IActorRef dependencies, string store,
        TimeProvider? time, Func<double>? random)
    {
        _options = options;
        _targets = targets.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _dependencies = dependencies;
        _store = store;
        _time = time ?? new SchedulerTimeProvider(Context.System.Scheduler);
        _random = random ?? Random.Shared.NextDouble;
        PersistenceId = options.PersistenceId;
        _gauge = new WriteQueueGauge(options.PersistenceId);

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is WriteQueueSnapshot snapshot) _state = WriteQueueState.From(snapshot);
        });
        Recover<WriteQueued>(e => _state.Apply(e));
        Recover<WriteDelivered>(e => _state.Apply(e));
        Recover<WriteAttemptFailed>(e => _state.Apply(e));
        Recover<WritePoisoned>(e => _state.Apply(e));
        Recover<WriteRedriven>(e => _state.Apply(e));
        Recover<WriteDropped>(e => _state.Apply(e));
        Ready();
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Props for the queue. <paramref name="dependencies"/> is the dependencies supervisor (deliveries are guarded
    /// calls to it); <paramref name="store"/> describes the database for error messages ("SQLite file /var/x.db");
    /// <paramref name="random"/> draws from [0, 1) for backoff jitter.
    /// </summary>
    internal static Props Props(WriteQueueOptions options, IEnumerable<IWriteTarget> targets, IActorRef dependencies, string store = "the journal",
        TimeProvider? time = null, Func<double>? random = null)
    {
        var list = targets.ToList();
        return ActorFactory.Props(() => new WriteQueueActor(options, list, dependencies, store, time, random));
    }

    /// <summary>The state after recovery: every command is served, and entries are delivered.</summary>
    private void Ready()
    {
        Command<DeliveryFinished>(OnDeliveryFinished);
        Command<RetryDue>(OnRetryDue);
        Command<ResumeTarget>(OnResumeTarget);
        Command<StopDeliveries>(OnStopDeliveries);
        CommonCommands();
    }

    /// <summary>The commands served in every state: writes are accepted and stored, the poison list is kept.</summary>
    private void CommonCommands()
    {
        Command<EnqueueWrite>(Enqueue);
        Command<GetWriteQueueStatus>(_ => Sender.Tell(Status()));
        Command<GetPoisonList>(_ => Sender.Tell(new PoisonList(_state.Poisoned)));
        Command<GetWriteEntry>(get => Sender.Tell(Entry(get.Id)));
        Command<RedrivePoisoned>(Redrive);
        Command<DropPoisoned>(Drop);
        Command<SaveSnapshotSuccess>(s =>
        {
            DeleteMessages(s.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
            OnSnapshotDone();
        });
        Command<SaveSnapshotFailure>(f =>
        {
            _log.Warning(f.Cause, "Write queue could not save a snapshot in {Store}; it goes on with the journal", _store);
            OnSnapshotDone();
        });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning(f.Cause, "Write queue could not delete old journal events from {Store}", _store));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Write queue could not delete old snapshots from {Store}", _store));
    }

    private void Enqueue(EnqueueWrite command)
    {
        var replyTo = Sender;
        var error = Refusal(command);
        if (error is not null)
        {
            _log.Warning("Write for {Target} key {Key} refused: {Error}", command.Target, command.Key, error);
            // The target tag names configured targets only: a caller's unknown name must not make a series.
            OrchestratorMetrics.WriteQueueEvent(_targets.ContainsKey(command.Target) ? command.Target : "unknown", "refused");
            replyTo.Tell(new EnqueueFailed(error));
            return;
        }
        if (!string.IsNullOrWhiteSpace(command.IdempotencyKey) && _state.TryFindByIdempotencyKey(command.Target, command.IdempotencyKey, out var held))
        {
            if (_state.Find(held) is { } heldWrite && (heldWrite.Key != command.Key || heldWrite.Payload != command.Payload))
            {
                var conflict = $"The idempotency key '{command.IdempotencyKey}' of target '{command.Target}' is already held by entry {held} " +
                    "with a different key or payload; a different write needs a different idempotency key.";
                _log.Warning("Write for {Target} key {Key} refused: {Error}", command.Target, command.Key, conflict);
                OrchestratorMetrics.WriteQueueEvent(command.Target, "refused");
                replyTo.Tell(new EnqueueFailed(conflict));
                return;
            }
            // The same write again (a caller retrying after a timeout, a recovery re-queueing): the entry held stands for it.
            _log.Info("Write for {Target} key {Key} has idempotency key {IdempotencyKey}, which entry {WriteId} already holds; nothing new stored",
                command.Target, command.Key, command.IdempotencyKey, held);
            OrchestratorMetrics.WriteQueueEvent(command.Target, "deduplicated");
            replyTo.Tell(new AcceptedForProcessing(held, AlreadyQueued: true));
            return;
        }
        if (Full() is { } full)
        {
            _log.Warning("Write for {Target} key {Key} refused: {Error}", command.Target, command.Key, full);
            OrchestratorMetrics.WriteQueueEvent(command.Target, "refused");
            replyTo.Tell(new EnqueueFailed(full));
            return;
        }

        var id = $"w-{Guid.NewGuid():N}";
        var write = new QueuedWrite(id, _state.LastSequence + 1, command.Target, command.Key,
            string.IsNullOrWhiteSpace(command.IdempotencyKey) ? id : command.IdempotencyKey, command.Payload, _time.GetUtcNow());
        _awaitingStore[id] = replyTo;
        Persist(new WriteQueued(write), e =>
        {
            _awaitingStore.Remove(id);
            Applied(e);
            replyTo.Tell(new AcceptedForProcessing(id));
            _log.Info("Write {WriteId} queued for {Target} key {Key} (idempotency key {IdempotencyKey}); {Depth} waiting",
                id, write.Target, write.Key, write.IdempotencyKey, _state.PendingCount);
            OrchestratorMetrics.WriteQueueEvent(write.Target, "queued");
            Pump();
        });
    }

    /// <summary>An entry and where it stands, or that there is none.</summary>
    private object Entry(string id)
    {
        if (_state.Poisoned.FirstOrDefault(p => p.Write.Id == id) is { } poisoned) return new WriteEntry(poisoned.Write, "poisoned");
        if (!_state.TryGetPending(id, out var write)) return new WriteEntryNotFound(id);
        var state = _inFlight.Contains(id) ? "in-flight" : _backingOff.Contains(id) ? "backing-off" : _paused.Contains(write.Target) ? "paused" : "waiting";
        return new WriteEntry(write, state);
    }

    private string? Refusal(EnqueueWrite command)
    {
        if (!_targets.ContainsKey(command.Target))
            return $"The write queue has no target '{command.Target}'; targets: {(_targets.Count == 0 ? "none" : string.Join(", ", _targets.Keys))}.";
        if (string.IsNullOrWhiteSpace(command.Key)) return "A queued write needs a key (what it is about, like a customer id).";
        if (command.Payload is null) return "A queued write needs a payload.";
        return null;
    }

    private string? Full() =>
        _state.PendingCount + _state.PoisonedCount >= _options.MaxEntries
            ? $"The write queue is full: it holds {_state.PendingCount + _state.PoisonedCount} entries " +
              $"(Orchestrator:WriteQueue:MaxEntries is {_options.MaxEntries})."
            : null;

    private void Redrive(RedrivePoisoned command)
    {
        var replyTo = Sender;
        if (!_state.IsPoisoned(command.Id))
        {
            replyTo.Tell(new PoisonEntryNotFound(command.Id));
            return;
        }
        Persist(new WriteRedriven(command.Id, _state.LastSequence + 1), e =>
        {
            Applied(e);
            _state.TryGetPending(command.Id, out var write);
            replyTo.Tell(new PoisonCommandDone(command.Id));
            _log.Info("Poisoned write {WriteId} for {Target} key {Key} re-driven; it waits at the end of its key's queue", command.Id, write.Target, write.Key);
            OrchestratorMetrics.WriteQueueEvent(write.Target, "redriven");
            Pump();
        });
    }

    private void Drop(DropPoisoned command)
    {
        var replyTo = Sender;
        var entry = _state.Poisoned.FirstOrDefault(p => p.Write.Id == command.Id);
        if (entry is null)
        {
            replyTo.Tell(new PoisonEntryNotFound(command.Id));
            return;
        }
        Persist(new WriteDropped(command.Id), e =>
        {
            Applied(e);
            replyTo.Tell(new PoisonCommandDone(command.Id));
            _log.Warning("Poisoned write {WriteId} for {Target} key {Key} dropped; it will never be applied", command.Id, entry.Write.Target, entry.Write.Key);
            OrchestratorMetrics.WriteQueueEvent(entry.Write.Target, "dropped");
        });
    }

    private WriteQueueStatus Status()
    {
        var oldest = _state.Oldest;
        var age = oldest is null ? 0 : Math.Max(0, (_time.GetUtcNow() - oldest.EnqueuedAt).TotalSeconds);
        return new WriteQueueStatus(_state.PendingCount, _inFlight.Count, oldest?.EnqueuedAt, Math.Round(age, 3), _state.PoisonedCount,
            [.. _paused.Order(StringComparer.Ordinal)]);
    }

    /// <summary>Applies a stored event, and saves a snapshot every <c>SnapshotEvery</c> events.</summary>
    private void Applied(object @event)
    {
        _state.Apply(@event);
        PublishDepth();
        if (++_eventsSinceSnapshot < _options.SnapshotEvery) return;
        _eventsSinceSnapshot = 0;
        SaveSnapshot(_state.ToSnapshot());
    }

    /// <summary>Publishes the depth and the oldest write for the observable instruments (read off the actor's thread).</summary>
    private void PublishDepth() => _gauge.Publish(_state.PendingCount, _state.Oldest?.EnqueuedAt);

    /// <inheritdoc />
    protected override void PreStart()
    {
        WriteQueueGauges.Add(_gauge);
        base.PreStart();
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        WriteQueueGauges.Remove(_gauge);
        base.PostStop();
    }

    /// <inheritdoc />
    protected override void OnReplaySuccess()
    {
        _recovered = true;
        PublishDepth();
        _log.Info("Write queue recovered from {Store}: {Depth} waiting, {Poisoned} poisoned", _store, _state.PendingCount, _state.PoisonedCount);
        Pump();
    }
}
