using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Bulkhead;
using Orchestrator.Actors.Isolation;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Actors.Time;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// Guards one dependency: every <see cref="GuardedCall"/> for it passes its deadline check, its circuit breaker
/// and its bulkhead, runs off the actor's thread under a timeout that cancels it, feeds its outcome to the
/// breaker, and ends in exactly one answer to its caller (primary, fallback, rejection or failure).
/// </summary>
/// <remarks>
/// States: <c>Ready</c>, and <c>Recovering</c> right after a restart, while it waits for the state its crashed
/// predecessor handed over (everything else is stashed until then).
/// </remarks>
public sealed class DependencyActor : ReceiveActor, IWithTimers, IWithStash
{
    private const string BreakerTimerKey = "breaker-due";
    private const string RejectingTimerKey = "rejecting-check";

    /// <summary>How often a rejecting bulkhead looks whether it still rejects.</summary>
    public static readonly TimeSpan RejectingCheckInterval = TimeSpan.FromSeconds(1);

    private readonly string _name;
    private readonly DependencyOptions _options;
    private readonly TimeProvider _time;
    private readonly BulkheadGate _gate;
    private readonly DependencyStats _stats;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DependencyState _state = null!;

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public DependencyActor(string name, DependencyOptions options, TimeProvider? time, BulkheadGate gate, DependencyStats stats)
    {
        _name = name;
        _options = options;
        _time = time ?? new SchedulerTimeProvider(Context.System.Scheduler);
        _gate = gate;
        _stats = stats;
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    /// <summary>
    /// Props for the actor guarding <paramref name="name"/>. The gate and the stats are shared with the senders'
    /// <see cref="DependencyHandle"/> and outlive restarts; when not given, the actor gets its own.
    /// </summary>
    public static Props Props(string name, DependencyOptions options, TimeProvider? time = null, BulkheadGate? gate = null, DependencyStats? stats = null)
    {
        gate ??= GateFor(options);
        stats ??= new DependencyStats();
        return Akka.Actor.Props.Create(() => new DependencyActor(name, options, time, gate, stats));
    }

    /// <summary>The gate for a dependency: as many places as its bulkhead has slots and queue.</summary>
    public static BulkheadGate GateFor(DependencyOptions options) =>
        new(options.Bulkhead.MaxConcurrency + options.Bulkhead.QueueCapacity);

    private CircuitBreaker Breaker => _state.Breaker;
    private Bulkhead<PendingCall> Bulkhead => _state.Bulkhead;

    /// <inheritdoc />
    protected override void PreStart()
    {
        var threads = _options.Bulkhead.DedicatedThreads is { } n ? new DedicatedThreadScheduler(_name, n) : null;
        Adopt(new DependencyState(
            new CircuitBreaker(_options.Breaker, _time),
            new Bulkhead<PendingCall>(_options.Bulkhead.MaxConcurrency, _options.Bulkhead.QueueCapacity),
            threads));
        Become(Ready);
    }

    private void Ready()
    {
        Receive<AdmittedCall>(m => TakeIn(m.Call, entered: true));
        Receive<GuardedCall>(call => TakeIn(call, entered: _gate.TryEnter()));
        Receive<WorkFinished>(OnWorkFinished);
        Receive<AttemptTimedOut>(OnAttemptTimedOut);
        Receive<QueueWaitEnded>(OnQueueWaitEnded);
        Receive<Degraded>(m => Answer(m.Pending, m.Report));
        Receive<BulkheadRejectingStarted>(_ => OnRejectingStarted());
        Receive<RejectingCheck>(_ => OnRejectingCheck());
        Receive<BreakerDue>(_ => Breaker.Refresh());
        Receive<GetStatus>(_ => Sender.Tell(Status()));
        Receive<IsolateBreaker>(_ =>
        {
            Breaker.Isolate();
            Sender.Tell(new BreakerCommandAccepted(_name, Breaker.State));
        });
        Receive<ResetBreaker>(_ =>
        {
            Breaker.Reset();
            Sender.Tell(new BreakerCommandAccepted(_name, Breaker.State));
            Drain();
        });
        Receive<CrashDependencyActor>(_ => throw new ChaosCrashException(_name));
    }

    private void Recovering()
    {
        Receive<AdoptState>(m =>
        {
            Adopt(m.State);
            RearmTimers();
            _log.Warning("Dependency {Dependency} actor restarted; it took over {Running} running and {Queued} queued calls",
                _name, _state.Running.Count, Bulkhead.Queued);
            Stash.UnstashAll();
            Become(Ready);
        });
        ReceiveAny(_ => Stash.Stash());
    }

    // ---- the path of a call -------------------------------------------------------------------------------

    /// <summary>Takes in a call; <paramref name="entered"/> says whether it holds a place in the gate.</summary>
    private void TakeIn(GuardedCall call, bool entered)
    {
        var now = _time.GetUtcNow();
        var pending = new PendingCall(_state.NextId++, call, call.ReplyTo ?? Sender, now, call.Timeout ?? _options.Timeout) { Entered = entered };

        if (!entered)
        {
            if (_gate.TryReportRejecting()) OnRejectingStarted();
            Degrade(pending, DegradationReason.BulkheadFull, null, BulkheadFullDetail());
            return;
        }

        if (call.Deadline is { } deadline && deadline <= now)
        {
            Answer(pending, CallOutcome.Rejected, null, DegradationReason.DeadlineExceeded, null, null,
                $"The deadline of the call to '{_name}' ({deadline:O}) had passed when it arrived.");
            return;
        }

        if (!Breaker.IsCallPermitted)
        {
            Degrade(pending, DegradationReason.BreakerOpen, null, BreakerOpenDetail());
            return;
        }

        switch (Bulkhead.TryEnter(pending))
        {
            case BulkheadAdmission.Run:
                Start(pending);
                Drain();
                break;
            case BulkheadAdmission.Queued:
                Timers.StartSingleTimer(new QueueTimerKey(pending.Id), new QueueWaitEnded(pending), pending.QueueDeadline - now);
                break;
            default: // cannot happen while the gate holds no more calls than slots and queue; kept safe all the same
                Degrade(pending, DegradationReason.BulkheadFull, null, BulkheadFullDetail());
                break;
        }
    }

    /// <summary>Starts a call that holds a bulkhead slot; on any refusal the slot is given back (callers then <see cref="Drain"/>).</summary>
    private void Start(PendingCall pending)
    {
        var permit = Breaker.TryAcquire();
        if (permit == BreakerPermit.Rejected)
        {
            Bulkhead.Release();
            Degrade(pending, DegradationReason.BreakerOpen, null, BreakerOpenDetail());
            return;
        }

        var now = _time.GetUtcNow();
        var left = pending.Deadline is { } deadline ? deadline - now : TimeSpan.MaxValue;
        if (left <= TimeSpan.Zero)
        {
            Bulkhead.Release();
            if (permit == BreakerPermit.Probe) Breaker.ReleaseProbe();
            Answer(pending, CallOutcome.Rejected, null, DegradationReason.DeadlineExceeded, null, null,
                $"The deadline of the call to '{_name}' passed before it could start.");
            return;
        }

        pending.Permit = permit;
        pending.ProbeRound = Breaker.HalfOpenRound;
        pending.Attempts++;
        pending.StartedAt = now;
        pending.AttemptEndsAtDeadline = left < pending.Timeout;
        pending.AttemptTimeout = pending.AttemptEndsAtDeadline ? left : pending.Timeout;
        pending.Cancellation = new CancellationTokenSource();
        _state.Running[pending.Id] = pending;
        Timers.StartSingleTimer(new AttemptTimerKey(pending.Id), new AttemptTimedOut(pending.Id), pending.AttemptTimeout);

        var id = pending.Id;
        var call = pending.Call;
        var token = pending.Cancellation.Token;
        Task.Factory
            .StartNew(() => Execute(id, call, token), CancellationToken.None, TaskCreationOptions.DenyChildAttach,
                _state.Threads ?? TaskScheduler.Default)
            .Unwrap()
            .PipeTo(Self);
    }

    private static async Task<WorkFinished> Execute(long id, GuardedCall call, CancellationToken token)
    {
        try
        {
            return new WorkFinished(id, await call.InvokeAsync(token).ConfigureAwait(false), null);
        }
        catch (Exception e)
        {
            return new WorkFinished(id, null, e);
        }
    }

    private void OnWorkFinished(WorkFinished finished)
    {
        // Not running any more: it timed out and was answered already. Its late outcome is dropped.
        if (!_state.Running.Remove(finished.Id, out var pending)) return;

        Timers.Cancel(new AttemptTimerKey(pending.Id));
        pending.Cancellation?.Dispose();
        Bulkhead.Release();
        var duration = _time.GetUtcNow() - pending.StartedAt;

        if (finished.Error is null)
        {
            Breaker.RecordSuccess(duration, pending.Permit, pending.ProbeRound);
            Answer(pending, CallOutcome.Succeeded, finished.Value, DegradationReason.None, null, null, null);
        }
        else if (_options.Breaker.Handles(finished.Error))
        {
            Breaker.RecordFailure(duration, pending.Permit, pending.ProbeRound);
            Degrade(pending, DegradationReason.Error, finished.Error,
                $"The call to '{_name}' failed: {finished.Error.GetType().Name}: {finished.Error.Message}");
        }
        else
        {
            // An exception the breaker ignores is the caller's problem, not the dependency's: no fallback.
            Breaker.RecordSuccess(duration, pending.Permit, pending.ProbeRound);
            Answer(pending, CallOutcome.Failed, null, DegradationReason.Error, null, finished.Error,
                $"The call to '{_name}' failed with {finished.Error.GetType().Name}, which does not count against the dependency: {finished.Error.Message}");
        }
        Drain();
    }

    private void OnAttemptTimedOut(AttemptTimedOut timedOut)
    {
        if (!_state.Running.Remove(timedOut.Id, out var pending)) return;

        // Cancel without running the work's cancellation callbacks on this thread.
        _ = pending.Cancellation?.CancelAsync();
        Bulkhead.Release();
        _stats.CountTimeout();
        Breaker.RecordFailure(pending.AttemptTimeout, pending.Permit, pending.ProbeRound);

        var ms = pending.AttemptTimeout.TotalMilliseconds;
        if (pending.AttemptEndsAtDeadline)
            Answer(pending, CallOutcome.Failed, null, DegradationReason.DeadlineExceeded, null,
                new TimeoutException($"The deadline of the call to '{_name}' passed after {ms:0} ms of work; the work was cancelled."),
                $"The deadline of the call to '{_name}' passed while it ran ({ms:0} ms); the work was cancelled.");
        else
            Degrade(pending, DegradationReason.Timeout,
                new TimeoutException($"The call to '{_name}' timed out after {ms:0} ms."),
                $"The call to '{_name}' timed out after {ms:0} ms; the work was cancelled.");
        Drain();
    }

    private void OnQueueWaitEnded(QueueWaitEnded ended)
    {
        var pending = ended.Pending;
        if (!Bulkhead.RemoveQueued(pending)) return;

        if (pending.Deadline is { } deadline && deadline <= _time.GetUtcNow())
            Answer(pending, CallOutcome.Rejected, null, DegradationReason.DeadlineExceeded, null, null,
                $"The deadline of the call to '{_name}' passed while it waited for a slot; it never ran.");
        else
            Degrade(pending, DegradationReason.Timeout, null,
                $"The call to '{_name}' waited {pending.Timeout.TotalMilliseconds:0} ms (its timeout) for a slot; it never ran.");
    }

    /// <summary>Starts waiting calls while slots are free.</summary>
    private void Drain()
    {
        while (Bulkhead.TryStartNext(out var next))
        {
            Timers.Cancel(new QueueTimerKey(next.Id));
            Start(next);
        }
    }

    // ---- fallbacks and answers ----------------------------------------------------------------------------

    /// <summary>The primary answer is missing: the call's fallback, else the dependency's default, else a rejection or failure.</summary>
    private void Degrade(PendingCall pending, DegradationReason reason, Exception? error, string detail)
    {
        if (!pending.Call.HasFallback)
        {
            Answer(pending, Degradation.WithoutCallFallback(pending.Call, _options.DefaultFallback, reason, error, detail, pending.Attempts));
            return;
        }
        var left = pending.Deadline is { } d ? d - _time.GetUtcNow() : pending.Timeout;
        Degradation.RunCallFallbackAsync(pending.Call, reason, error, detail, pending.Attempts, left)
            .PipeTo(Self, success: report => new Degraded(pending, report));
    }

    private void Answer(PendingCall pending, CallOutcome outcome, object? value, DegradationReason reason,
        FallbackSource? source, Exception? error, string? detail) =>
        Answer(pending, new CallReport(outcome, value, reason, source, error, detail, TimeSpan.Zero, pending.Attempts));

    private void Answer(PendingCall pending, CallReport report)
    {
        var elapsed = _time.GetUtcNow() - pending.Arrival;
        if (pending.Entered)
        {
            pending.Entered = false;
            _gate.Exit();
        }
        pending.ReplyTo.Tell(pending.Call.ToResult(report with { Elapsed = elapsed, Attempts = pending.Attempts }));
        _stats.Count(report.Outcome);
        OrchestratorMetrics.CallAnswered(_name, report.Outcome, report.Reason, elapsed);
    }

    private string BulkheadFullDetail() =>
        $"The bulkhead of '{_name}' is full: {Bulkhead.MaxConcurrency} calls may run and {Bulkhead.QueueCapacity} may wait.";

    private string BreakerOpenDetail() => Breaker.State switch
    {
        BreakerState.Isolated => $"The circuit breaker of '{_name}' is isolated by hand.",
        BreakerState.HalfOpen => $"The circuit breaker of '{_name}' is half-open and its probes are taken.",
        _ => $"The circuit breaker of '{_name}' is open until {Breaker.OpenUntil:O}.",
    };

    private DependencyStatus Status() => new(
        _name,
        Breaker.Snapshot(),
        new BulkheadSnapshot(Bulkhead.InFlight, Bulkhead.Queued, Bulkhead.MaxConcurrency, Bulkhead.QueueCapacity, _gate.RejectingReported, _gate.RejectedTotal),
        _stats.Snapshot(),
        _options.Timeout);

    // ---- state, events and restarts -----------------------------------------------------------------------

    private void Adopt(DependencyState state)
    {
        _state = state;
        state.Breaker.Transitioned = OnBreakerTransition;
    }

    private void OnBreakerTransition(BreakerTransition t)
    {
        OrchestratorMetrics.BreakerTransitioned(_name, t.From, t.To);
        switch (t.To)
        {
            case BreakerState.Open:
                _log.Warning("Circuit breaker of {Dependency} opened ({From} -> Open): {Reason}; open for {OpenFor}",
                    _name, t.From, t.Reason, t.OpenFor);
                Timers.StartSingleTimer(BreakerTimerKey, BreakerDue.Instance, t.OpenFor ?? _options.Breaker.ResetTimeout);
                break;
            case BreakerState.Isolated:
                Timers.Cancel(BreakerTimerKey);
                _log.Warning("Circuit breaker of {Dependency} isolated ({From} -> Isolated): {Reason}", _name, t.From, t.Reason);
                break;
            default:
                Timers.Cancel(BreakerTimerKey);
                _log.Info("Circuit breaker of {Dependency} moved {From} -> {To}: {Reason}", _name, t.From, t.To, t.Reason);
                break;
        }
    }

    /// <summary>The first rejection since the bulkhead last stopped rejecting: log it, and look every second whether it goes on.</summary>
    private void OnRejectingStarted()
    {
        _state.RejectedWhenStarted = _gate.RejectedTotal - 1;
        _state.RejectedAtLastCheck = _gate.RejectedTotal;
        OrchestratorMetrics.BulkheadRejected(_name);
        _log.Warning("Bulkhead of {Dependency} is full and started rejecting calls ({MaxConcurrency} may run, {QueueCapacity} may wait)",
            _name, Bulkhead.MaxConcurrency, Bulkhead.QueueCapacity);
        Timers.StartPeriodicTimer(RejectingTimerKey, RejectingCheck.Instance, RejectingCheckInterval);
    }

    /// <summary>A rejecting bulkhead that rejected nothing for a whole interval has stopped rejecting.</summary>
    private void OnRejectingCheck()
    {
        var rejected = _gate.RejectedTotal;
        if (rejected != _state.RejectedAtLastCheck)
        {
            _state.RejectedAtLastCheck = rejected;
            return;
        }
        Timers.Cancel(RejectingTimerKey);
        _gate.ClearRejectingReport();
        _log.Info("Bulkhead of {Dependency} stopped rejecting calls after {Rejected} rejections", _name, rejected - _state.RejectedWhenStarted);
    }

    private void RearmTimers()
    {
        var now = _time.GetUtcNow();
        foreach (var p in _state.Running.Values)
            Timers.StartSingleTimer(new AttemptTimerKey(p.Id), new AttemptTimedOut(p.Id), Max(p.StartedAt + p.AttemptTimeout - now));
        foreach (var p in Bulkhead.QueuedItems)
            Timers.StartSingleTimer(new QueueTimerKey(p.Id), new QueueWaitEnded(p), Max(p.QueueDeadline - now));
        if (Breaker.OpenUntil is { } until)
            Timers.StartSingleTimer(BreakerTimerKey, BreakerDue.Instance, Max(until - now));
        if (_gate.RejectingReported)
            Timers.StartPeriodicTimer(RejectingTimerKey, RejectingCheck.Instance, RejectingCheckInterval);
        static TimeSpan Max(TimeSpan t) => t > TimeSpan.Zero ? t : TimeSpan.Zero;
    }

    /// <inheritdoc />
    protected override void PreRestart(Exception reason, object message)
    {
        OrchestratorMetrics.DependencyRestarted(_name);
        if (_state is null) return; // it never started: nothing to hand over
        _log.Error(reason, "Dependency {Dependency} actor crashed while handling {MessageType}; restarting it", _name, message?.GetType().Name);

        // The message that crashed the actor is lost to the new instance: if it was a call not yet taken in, answer it here.
        var (call, entered) = message switch
        {
            AdmittedCall a => (a.Call, true),
            GuardedCall c => (c, false),
            _ => (null, false),
        };
        if (call is not null && !_state.Running.Values.Any(p => ReferenceEquals(p.Call, call))
            && !Bulkhead.QueuedItems.Any(p => ReferenceEquals(p.Call, call)))
        {
            var pending = new PendingCall(_state.NextId++, call, call.ReplyTo ?? Sender, _time.GetUtcNow(), call.Timeout ?? _options.Timeout) { Entered = entered };
            Answer(pending, CallOutcome.Failed, null, DegradationReason.ActorFailure, null, reason,
                $"The actor of '{_name}' crashed while taking the call in: {reason.Message}");
        }

        // Hand everything to the next instance; unlike the default, do not stop (and fail) the calls in hand.
        Self.Tell(new AdoptState(_state));
    }

    /// <inheritdoc />
    protected override void PostRestart(Exception reason)
    {
        if (reason is ActorInitializationException)
        {
            PreStart();
            return;
        }
        Become(Recovering);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        if (_state is null) return;
        foreach (var pending in _state.Running.Values.ToList())
        {
            _ = pending.Cancellation?.CancelAsync();
            Answer(pending, CallOutcome.Failed, null, DegradationReason.ActorFailure, null, null,
                $"The actor of '{_name}' stopped while the call ran; the work was cancelled.");
        }
        _state.Running.Clear();
        foreach (var pending in Bulkhead.QueuedItems.ToList())
        {
            Bulkhead.RemoveQueued(pending);
            Answer(pending, CallOutcome.Rejected, null, DegradationReason.ActorFailure, null, null,
                $"The actor of '{_name}' stopped while the call waited for a slot.");
        }
        _state.Threads?.Dispose();
    }
}
