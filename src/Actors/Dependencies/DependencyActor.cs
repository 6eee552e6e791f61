using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Bulkhead;
using Orchestrator.Actors.Chaos;
using Orchestrator.Actors.Cluster;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Actors.Retry;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Actors.Time;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// Owns one dependency: its breaker (every transition is made here), its bulkhead's queue, its cache and single
/// flight, its retries and its cluster view. Calls reach it when only it can go on (see <see cref="DependencyHandle"/>),
/// or told straight to it; either way they pass the same <see cref="CallPipeline"/> (through its <see cref="CallDesk"/>).
/// Calls run on the callers' side only report their outcomes here.
/// </summary>
/// <remarks>
/// States: <c>Ready</c>, and <c>Recovering</c> right after a restart, while it waits for the state its crashed
/// predecessor handed over (everything else is stashed until then).
/// </remarks>
internal sealed class DependencyActor : ReceiveActor, IWithTimers, IWithStash
{
    private const string BreakerTimerKey = "breaker-due";
    private const string FollowTimerKey = "follow-check";
    private const string FollowDueTimerKey = "follow-due";

    /// <summary>How often a rejecting bulkhead looks whether it still rejects.</summary>
    public static readonly TimeSpan RejectingCheckInterval = TimeSpan.FromSeconds(1);

    private readonly DependencyHandle _handle;
    private readonly Func<double> _random;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DependencyState _state = null!;
    private CallDesk _desk = null!;
    private ClusterFollowing _following = null!;
    private RejectionWatch _rejections = null!;
    private RateLimitWatch _rateLimits = null!;
    private ActiveProbe _probe = null!;
    private FaultInjection _faults = null!;
    private DependencyReload _reload = null!;

    private DependencyActor(DependencyHandle handle, Func<double>? random)
    {
        _handle = handle;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    private string Name => _handle.Name;
    private CircuitBreaker Breaker => _state.Breaker;

    /// <summary>Props for the actor of <paramref name="handle"/>'s dependency (the supervisor's way).</summary>
    internal static Props Props(DependencyHandle handle, Func<double>? random = null) =>
        Akka.Actor.Props.CreateBy(new Producer(_ => handle, random));

    /// <summary>
    /// Props for an actor guarding <paramref name="name"/> on its own (without a supervisor): its handle is made
    /// once, on first start, and kept across restarts. <paramref name="random"/> draws from [0, 1) for backoff
    /// jitter (default: <see cref="Random.Shared"/>).
    /// </summary>
    public static Props Props(string name, DependencyOptions options, TimeProvider? time = null, BulkheadGate? gate = null,
        Func<double>? random = null, NodeControls? controls = null)
    {
        return Akka.Actor.Props.CreateBy(new Producer(
            system => new DependencyHandle(name, options, time ?? SchedulerTimeProvider.For(system), controls ?? NodeControls.None(), gate), random));
    }


    /// <inheritdoc />
    protected override void PreStart()
    {
        var options = _handle.Options;
        var retry = options.Retry;
        Adopt(new DependencyState(
            new CircuitBreaker(options.Breaker, _handle.Time, _handle.Breaker),
            new Bulkhead<PendingCall>(_handle.Slots, options.Bulkhead.QueueCapacity),
            new RetryBudget(retry.BudgetRatio, retry.BudgetFloor, retry.BudgetWindow, _handle.Time)));
        _handle.Log ??= _log;
        _handle.Attach(Self);
        Become(Ready);
    }

    private void Ready()
    {
        Receive<AdmittedCall>(m => _desk.Resume(m, Sender));
        Receive<GuardedCall>(call => _desk.TakeIn(call, call.ReplyTo ?? Sender));
        Receive<SuccessesReady>(m => Recorded(() => _desk.Successes.OnTold(m)));
        Receive<CollectSuccesses>(m => Recorded(() => _desk.Successes.OnTimer(m)));
        Receive<SlotFreed>(_ => _desk.Drain());
        Receive<ProbeSucceeded>(m => Recorded(() => Breaker.RecordSuccess(m.Duration, BreakerPermit.Probe, m.Round)));
        Receive<AttemptFailed>(m => Recorded(() =>
        {
            _desk.Successes.CollectUpTo(m.SuccessesBefore); // the successes before it first: the breaker sees them in order
            Breaker.RecordFailure(m.Duration, m.Permit, m.Round);
            _state.Budget.RecordAttempt();
        }));
        Receive<RetryHandover>(m => _desk.TakeOver(m, Sender));
        Receive<AttemptEnded>(_desk.OnAttemptEnded);
        Receive<QueueWaitEnded>(_desk.OnQueueWaitEnded);
        Receive<RetryDue>(_desk.OnRetryDue);
        Receive<CallerGaveUp>(_desk.OnCallerGaveUp);
        Receive<HedgeDue>(_desk.OnHedgeDue);
        Receive<HedgeAnswered>(_desk.OnHedgeAnswered);
        Receive<FollowerDeadline>(_desk.OnFollowerDeadline);
        Receive<BreakerDue>(_ => Recorded(Breaker.Refresh));
        Receive<ClusterBreakerView>(view =>
        {
            if (_following.OnView(view)) _desk.Drain();
        });
        Receive<FollowCheck>(_ =>
        {
            if (!CheckFollowing()) Timers.Cancel(FollowTimerKey);
        });
        Receive<WantedWhileFollowing>(_ => CheckFollowing());
        Receive<ProbeDue>(_ => _probe.OnDue());
        Receive<ProbeEnded>(m => Recorded(() => _probe.OnEnded(m)));
        Receive<BulkheadRejectingStarted>(_rejections.OnStarted);
        Receive<RejectingCheck>(_ => _rejections.OnCheck());
        Receive<RateLimitReached>(_ => _rateLimits.OnStarted());
        Receive<RateLimitCheck>(_ => _rateLimits.OnCheck());
        Receive<PermitsDue>(_ => _desk.Drain());
        Receive<GetStatus>(_ => Sender.Tell(Status()));
        Receive<IsolateBreaker>(_ =>
        {
            Breaker.Isolate();
            Sender.Tell(new BreakerCommandAccepted(Name, Breaker.State));
        });
        Receive<ResetBreaker>(_ =>
        {
            Breaker.Reset();
            // For the coordinator: the operator's reset also ends the cool-down of the features on this dependency.
            // Published before the answer, so that it is in the coordinator's mailbox before the operator hears back.
            Context.System.EventStream.Publish(new BreakerResetByOperator(Name, _handle.Breaker.Openings));
            Sender.Tell(new BreakerCommandAccepted(Name, Breaker.State));
            _desk.Drain();
        });
        Receive<CrashDependencyActor>(_ => throw new ChaosCrashException(Name));
        Receive<InjectFault>(m => Sender.Tell(_faults.Inject(m.Fault)));
        Receive<ClearFault>(_ => Sender.Tell(_faults.Clear()));
        Receive<FaultExpired>(_faults.OnExpired);
        Receive<ChangeDependencyOptions>(m =>
        {
            Sender.Tell(_reload.Change(m.Change, out var applied));
            if (!applied) return;
            // The follow check's period is the longest reset timeout: a new one applies now, not at the next transition.
            if (Breaker.FollowsCluster) Timers.StartPeriodicTimer(FollowTimerKey, FollowCheck.Instance, _handle.Options.Breaker.MaxResetTimeout);
            _desk.Drain(); // more places, a longer queue: waiting calls may start now
        });
    }

    private void Recovering()
    {
        Receive<AdoptState>(m =>
        {
            Adopt(m.State);
            RearmTimers();
            _log.Warning("Dependency {Dependency} actor restarted; it took over {Running} running, {Queued} queued and {BackingOff} backing-off calls",
                Name, _state.Running.Count, _state.Bulkhead.Queued, _state.BackingOff.Count);
            Stash.UnstashAll();
            Become(Ready);
        });
        ReceiveAny(_ => Stash.Stash());
    }

    /// <summary>Whether the prober is still heard from (see <see cref="ClusterFollowing.OnFollowCheck"/>); false when no longer following.</summary>
    private bool CheckFollowing()
    {
        var following = _following.OnFollowCheck(out var lookAgainIn);
        if (lookAgainIn is { } due) Timers.StartSingleTimer(FollowDueTimerKey, FollowCheck.Instance, due);
        _desk.Drain();
        return following;
    }

    /// <summary>An outcome or a timer moved the breaker: waiting calls may start (or be turned away).</summary>
    private void Recorded(Action record)
    {
        record();
        _desk.Drain();
    }

    private DependencyStatus Status()
    {
        _desk.Successes.CollectAll(); // the status counts every success so far
        return StatusReport.Of(_handle, _state);
    }

    // ---- state, events and restarts -------------------------------------------------------------------------------

    private void Adopt(DependencyState state)
    {
        _state = state;
        _desk = new CallDesk(_handle, state, Timers, Self, _log, _random);
        _following = new ClusterFollowing(_handle, state);
        _rejections = new RejectionWatch(_handle, state, Timers, _log);
        _rateLimits = new RateLimitWatch(_handle, state, Timers, _log);
        _probe = new ActiveProbe(_handle, state, Self, Timers, _log);
        _faults = new FaultInjection(_handle, Timers, _log);
        _reload = new DependencyReload(_handle, state, _log);
        state.Breaker.Transitioned = OnBreakerTransition;
    }

    private void OnBreakerTransition(BreakerTransition t)
    {
        OrchestratorMetrics.BreakerTransitioned(Name, t.From, t.To);
        // For the cluster, if any; a release by the cluster is not a recovery seen here.
        Context.System.EventStream.Publish(new LocalBreakerChanged(Name, t.To, t.FollowsCluster, Recovered: t.To == BreakerState.Closed && !_following.Releasing));
        if (t.To == BreakerState.HalfOpen && _handle.Options.Probe is not null) Self.Tell(ProbeDue.Instance); // the probe runs off this call
        _handle.ForgetWanted(); // callers' wish counts while following, from its start
        if (t.FollowsCluster)
        {
            _state.LastClusterNews = _handle.Time.GetUtcNow();
            _handle.ClusterNote = _following.FollowingDetail();
            Timers.StartPeriodicTimer(FollowTimerKey, FollowCheck.Instance, _handle.Options.Breaker.MaxResetTimeout);
        }
        else
        {
            Timers.Cancel(FollowTimerKey);
            Timers.Cancel(FollowDueTimerKey);
        }
        switch (t.To)
        {
            case BreakerState.Open when t.FollowsCluster:
                Timers.Cancel(BreakerTimerKey); // open until the cluster says otherwise
                _log.Warning("Circuit breaker of {Dependency} opened by the cluster ({From} -> Open): {Reason}", Name, t.From, t.Reason);
                break;
            case BreakerState.Open:
                _log.Warning("Circuit breaker of {Dependency} opened ({From} -> Open): {Reason}; open for {OpenFor}", Name, t.From, t.Reason, t.OpenFor);
                Timers.StartSingleTimer(BreakerTimerKey, BreakerDue.Instance, t.OpenFor ?? _handle.Options.Breaker.ResetTimeout);
                break;
            case BreakerState.Isolated:
                Timers.Cancel(BreakerTimerKey);
                _log.Warning("Circuit breaker of {Dependency} isolated ({From} -> Isolated): {Reason}", Name, t.From, t.Reason);
                break;
            default:
                Timers.Cancel(BreakerTimerKey);
                if (t.To == BreakerState.Closed) _state.SilentProber = null;
                _log.Info("Circuit breaker of {Dependency} moved {From} -> {To}: {Reason}", Name, t.From, t.To, t.Reason);
                break;
        }
    }

    private void RearmTimers()
    {
        _desk.InHand.RearmTimers();
        if (Breaker.OpenUntil is { } until) Timers.StartSingleTimer(BreakerTimerKey, BreakerDue.Instance, CallDesk.NotNegative(until - _handle.Time.GetUtcNow()));
        _rejections.Rearm();
        _rateLimits.Rearm();
        if (_handle.RateLimit is not null) _desk.Drain(); // calls queued while permits were out: their timer was the old actor's
        if (Breaker.FollowsCluster)
        {
            Timers.StartPeriodicTimer(FollowTimerKey, FollowCheck.Instance, _handle.Options.Breaker.MaxResetTimeout);
            if (_handle.IsWantedWhileFollowing) CheckFollowing();
        }
        if (Breaker.State == BreakerState.HalfOpen && _handle.Options.Probe is not null) Self.Tell(ProbeDue.Instance);
        _faults.Rearm();
    }

    /// <inheritdoc />
    protected override void PreRestart(Exception reason, object message)
    {
        OrchestratorMetrics.DependencyRestarted(Name);
        if (_state is null) return; // it never started: nothing to hand over

        // Hand everything to the next instance first, so that nothing below can lose it; unlike the default,
        // do not stop (and fail) the calls in hand.
        Self.Tell(new AdoptState(_state));
        _log.Error(reason, "Dependency {Dependency} actor crashed while handling {MessageType}; restarting it", Name, message?.GetType().Name);

        // The message that crashed the actor is lost to the new instance: if it was a call not yet taken in, answer it here.
        _desk.InHand.AnswerCrashed(message, Sender, reason);
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
        _handle.Gate.Close(); // senders now hear at once that the dependency's actor is gone
        _desk?.InHand.AnswerAll();
    }

    /// <summary>Makes the actor, with a handle made once per Props, so that restarts keep it.</summary>
    private sealed class Producer(Func<ActorSystem, DependencyHandle> make, Func<double>? random) : IIndirectActorProducer
    {
        private DependencyHandle? _handle;

        public Type ActorType => typeof(DependencyActor);

        public ActorBase Produce() => new DependencyActor(_handle ??= make(Context.System), random);

        public void Release(ActorBase actor)
        {
        }
    }
}
