using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Bulkhead;
using Orchestrator.Actors.Caching;
using Orchestrator.Actors.Cluster;
using Orchestrator.Actors.Coordination;
using Orchestrator.Actors.Isolation;
using Orchestrator.Actors.Retry;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Actors.Time;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// Guards one dependency: every <see cref="GuardedCall"/> for it passes its deadline check, its cache, its
/// circuit breaker and its bulkhead, runs off the actor's thread under a timeout that cancels it, is retried with
/// backoff when the failure is transient and the budget allows, feeds its outcome to the breaker, and ends in
/// exactly one answer to its caller: primary, a step of the fallback chain, rejection or failure.
/// </summary>
/// <remarks>
/// This file holds the actor's life cycle, states and status; <c>DependencyActor.CallPath.cs</c> the way of a call
/// to the dependency and back; <c>DependencyActor.Fallbacks.cs</c> the fallback chain and the answers.
/// States: <c>Ready</c>, and <c>Recovering</c> right after a restart, while it waits for the state its crashed
/// predecessor handed over (everything else is stashed until then).
/// </remarks>
public sealed partial class DependencyActor : ReceiveActor, IWithTimers, IWithStash
{
    private const string BreakerTimerKey = "breaker-due";
    private const string RejectingTimerKey = "rejecting-check";
    private const string FollowTimerKey = "follow-check";

    /// <summary>How often a rejecting bulkhead looks whether it still rejects.</summary>
    public static readonly TimeSpan RejectingCheckInterval = TimeSpan.FromSeconds(1);

    private readonly string _name;
    private readonly DependencyOptions _options;
    private readonly TimeProvider _time;
    private readonly BulkheadGate _gate;
    private readonly DependencyStats _stats;
    private readonly Func<double> _random;
    private readonly NodeControls _controls;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DependencyState _state = null!;
    private bool _releasing; // while the cluster's news closes the breaker

    /// <summary>Creates the actor; use <see cref="Props"/>.</summary>
    public DependencyActor(string name, DependencyOptions options, TimeProvider? time, BulkheadGate gate, DependencyStats stats, Func<double>? random,
        NodeControls controls)
    {
        _controls = controls;
        _name = name;
        _options = options;
        _time = time ?? new SchedulerTimeProvider(Context.System.Scheduler);
        _gate = gate;
        _stats = stats;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    /// <summary>
    /// Props for the actor guarding <paramref name="name"/>. The gate and the stats are shared with the senders'
    /// <see cref="DependencyHandle"/> and outlive restarts; when not given, the actor gets its own.
    /// <paramref name="random"/> draws from [0, 1) for backoff jitter (default: <see cref="Random.Shared"/>).
    /// </summary>
    public static Props Props(string name, DependencyOptions options, TimeProvider? time = null, BulkheadGate? gate = null,
        DependencyStats? stats = null, Func<double>? random = null, NodeControls? controls = null)
    {
        gate ??= GateFor(options);
        stats ??= new DependencyStats();
        controls ??= NodeControls.None();
        return Akka.Actor.Props.Create(() => new DependencyActor(name, options, time, gate, stats, random, controls));
    }

    /// <summary>
    /// The gate for a dependency: as many places as its bulkhead has slots and queue, plus, when it caches, the
    /// callers that may wait on an in-flight fetch of the same key.
    /// </summary>
    public static BulkheadGate GateFor(DependencyOptions options) =>
        new(options.Bulkhead.MaxConcurrency + options.Bulkhead.QueueCapacity + (options.Cache.Enabled ? options.Cache.MaxWaiters : 0));

    private CircuitBreaker Breaker => _state.Breaker;
    private Bulkhead<PendingCall> Bulkhead => _state.Bulkhead;

    /// <inheritdoc />
    protected override void PreStart()
    {
        var threads = _options.Bulkhead.DedicatedThreads is { } n ? new DedicatedThreadScheduler(_name, n) : null;
        var cache = _options.Cache.Enabled
            ? new ResponseCache(_options.Cache.MaxEntries, _options.Cache.FreshFor, _options.Cache.StaleFor, _time)
            : null;
        var retry = _options.Retry;
        Adopt(new DependencyState(
            new CircuitBreaker(_options.Breaker, _time),
            new Bulkhead<PendingCall>(_options.Bulkhead.MaxConcurrency, _options.Bulkhead.QueueCapacity),
            new RetryBudget(retry.BudgetRatio, retry.BudgetFloor, retry.BudgetWindow, _time),
            cache,
            threads));
        Become(Ready);
    }

    private void Ready()
    {
        Receive<AdmittedCall>(m => TakeIn(m.Call, entered: true, m.HoldsAdmission));
        Receive<GuardedCall>(call => TakeIn(call, entered: _gate.TryEnter(), holdsAdmission: false));
        Receive<WorkFinished>(OnWorkFinished);
        Receive<AttemptTimedOut>(OnAttemptTimedOut);
        Receive<QueueWaitEnded>(OnQueueWaitEnded);
        Receive<RetryDue>(OnRetryDue);
        Receive<FollowerDeadline>(OnFollowerDeadline);
        Receive<ReplicaAnswered>(OnReplicaAnswered);
        Receive<Degraded>(OnDegraded);
        Receive<DependencyDirectory>(d => _state.Directory = d);
        Receive<BulkheadRejectingStarted>(_ => OnRejectingStarted());
        Receive<RejectingCheck>(_ => OnRejectingCheck());
        Receive<BreakerDue>(_ => Breaker.Refresh());
        Receive<ClusterBreakerView>(OnClusterView);
        Receive<FollowCheck>(_ => OnFollowCheck());
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
            _log.Warning("Dependency {Dependency} actor restarted; it took over {Running} running, {Queued} queued and {BackingOff} backing-off calls",
                _name, _state.Running.Count, Bulkhead.Queued, _state.BackingOff.Count);
            Stash.UnstashAll();
            Become(Ready);
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private DependencyStatus Status() => new(
        _name,
        Breaker.Snapshot(),
        new BulkheadSnapshot(Bulkhead.InFlight, Bulkhead.Queued, Bulkhead.MaxConcurrency, Bulkhead.QueueCapacity, _gate.RejectingReported, _gate.RejectedTotal),
        _stats.Snapshot(),
        _options.Timeout)
    {
        Cache = _state.Cache is { } cache
            ? new CacheSnapshot(cache.Count, _state.CacheHits, _state.StaleServed, _state.CacheMisses, cache.Evictions)
            : null,
        Retry = _options.Retry.MaxAttempts > 1
            ? new RetrySnapshot(_state.Retries, _state.RetriesDenied, _state.Budget.Totals().Attempts, _state.Budget.Totals().Retries)
            : null,
        Replica = _options.Replica,
    };

    // ---- state, events and restarts -----------------------------------------------------------------------

    private void Adopt(DependencyState state)
    {
        _state = state;
        state.Breaker.Transitioned = OnBreakerTransition;
    }

    private void OnBreakerTransition(BreakerTransition t)
    {
        OrchestratorMetrics.BreakerTransitioned(_name, t.From, t.To);
        _stats.PublishBreaker(t.To);
        // For the cluster, if any; a release by the cluster is not a recovery seen here.
        Context.System.EventStream.Publish(new LocalBreakerChanged(_name, t.To, t.FollowsCluster, Recovered: t.To == BreakerState.Closed && !_releasing));
        if (t.FollowsCluster)
        {
            _state.LastClusterNews = _time.GetUtcNow();
            Timers.StartPeriodicTimer(FollowTimerKey, FollowCheck.Instance, _options.Breaker.MaxResetTimeout);
        }
        else
        {
            Timers.Cancel(FollowTimerKey);
        }
        switch (t.To)
        {
            case BreakerState.Open when t.FollowsCluster:
                Timers.Cancel(BreakerTimerKey); // open until the cluster says otherwise
                _log.Warning("Circuit breaker of {Dependency} opened by the cluster ({From} -> Open): {Reason}", _name, t.From, t.Reason);
                break;
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
                if (t.To == BreakerState.Closed) _state.SilentProber = null;
                _log.Info("Circuit breaker of {Dependency} moved {From} -> {To}: {Reason}", _name, t.From, t.To, t.Reason);
                break;
        }
    }

    /// <summary>
    /// Acts on what the cluster says of this dependency (the cluster-state actor sends no views under LocalOnly): a closed breaker opens when the policy says so (without
    /// spending its own failures); an open one closes when the node that probed saw the dependency recover; one that
    /// follows the cluster takes over probing when this node is chosen; and while another node probes, this node's
    /// open period ends in following rather than half-open.
    /// </summary>
    private void OnClusterView(ClusterBreakerView view)
    {
        // News from the prober: it changed, or its entry did (a silent prober is replaced, see OnFollowCheck).
        if (_state.LastView is not { } last || last.Prober != view.Prober || last.ProberVersion != view.ProberVersion)
            _state.LastClusterNews = _time.GetUtcNow();
        _state.LastView = view;
        Breaker.ProbesElsewhere = view.ProbesElsewhere && view.Prober != _state.SilentProber;
        var state = Breaker.State; // reading it may end an open period, in following when another node probes
        if (view.RecoveredOn is { } node && state is BreakerState.Open or BreakerState.HalfOpen)
        {
            _releasing = true;
            var released = Breaker.Release($"node {node} closed its breaker: the dependency recovered");
            _releasing = false;
            if (!released) return;
            OrchestratorMetrics.ClusterBreakerAction(_name, "released");
            Drain();
        }
        else if (Breaker.FollowsCluster && view.ProbesHere)
        {
            if (Breaker.TakeOverProbing("this node now probes the dependency for the cluster"))
                OrchestratorMetrics.ClusterBreakerAction(_name, "took-over-probing");
        }
        else if (state == BreakerState.Closed && view.PolicyOpens && view.RecoveredOn is null) // a recovery's news outweighs evidence still on its way out
        {
            if (Breaker.Follow($"the cluster policy {view.Policy} opens it; opened on {string.Join(", ", view.OpenedOn)}"))
                OrchestratorMetrics.ClusterBreakerAction(_name, "followed");
        }
    }

    /// <summary>
    /// A prober that sends no news (no transition at all) for twice the longest open period gets no traffic, or is
    /// stuck: this node stops waiting for it and probes the dependency itself.
    /// </summary>
    private void OnFollowCheck()
    {
        if (!Breaker.FollowsCluster)
        {
            Timers.Cancel(FollowTimerKey);
            return;
        }
        var silence = _time.GetUtcNow() - _state.LastClusterNews;
        if (silence < _options.Breaker.MaxResetTimeout * 2) return;
        var prober = _state.LastView?.Prober;
        _state.SilentProber = prober;
        Breaker.ProbesElsewhere = false;
        if (Breaker.TakeOverProbing($"no news from {prober ?? "the node that probes for the cluster"} for {silence.TotalSeconds:0.#} s"))
            OrchestratorMetrics.ClusterBreakerAction(_name, "took-over-probing");
    }

    /// <summary>The first rejection since the bulkhead last stopped rejecting: log it, and look every second whether it goes on.</summary>
    private void OnRejectingStarted()
    {
        _state.RejectedWhenStarted = _gate.RejectedTotal - 1;
        _state.RejectedAtLastCheck = _gate.RejectedTotal;
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
            Timers.StartSingleTimer(new AttemptTimerKey(p.Id), new AttemptTimedOut(p.Id, p.Attempts), NotNegative(p.StartedAt + p.AttemptTimeout - now));
        foreach (var p in Bulkhead.QueuedItems)
            Timers.StartSingleTimer(new QueueTimerKey(p.Id), new QueueWaitEnded(p), NotNegative(p.QueueDeadline - now));
        foreach (var p in _state.BackingOff.Values)
            Timers.StartSingleTimer(new RetryTimerKey(p.Id), new RetryDue(p), NotNegative(p.RetryAt - now));
        foreach (var f in _state.Flights.Values.SelectMany(l => l.Followers ?? []).Where(f => f.Deadline is not null))
            Timers.StartSingleTimer(new FollowerTimerKey(f.Id), new FollowerDeadline(f), NotNegative(f.Deadline!.Value - now));
        if (Breaker.OpenUntil is { } until)
            Timers.StartSingleTimer(BreakerTimerKey, BreakerDue.Instance, NotNegative(until - now));
        if (_gate.RejectingReported)
            Timers.StartPeriodicTimer(RejectingTimerKey, RejectingCheck.Instance, RejectingCheckInterval);
        if (Breaker.FollowsCluster)
            Timers.StartPeriodicTimer(FollowTimerKey, FollowCheck.Instance, _options.Breaker.MaxResetTimeout);
    }

    private static TimeSpan NotNegative(TimeSpan t) => t > TimeSpan.Zero ? t : TimeSpan.Zero;

    /// <inheritdoc />
    protected override void PreRestart(Exception reason, object message)
    {
        OrchestratorMetrics.DependencyRestarted(_name);
        if (_state is null) return; // it never started: nothing to hand over

        // Hand everything to the next instance first, so that nothing below can lose it; unlike the default,
        // do not stop (and fail) the calls in hand.
        Self.Tell(new AdoptState(_state));
        _log.Error(reason, "Dependency {Dependency} actor crashed while handling {MessageType}; restarting it", _name, message?.GetType().Name);

        // The message that crashed the actor is lost to the new instance: if it was a call not yet taken in, answer it here.
        var (call, entered, admitted) = message switch
        {
            AdmittedCall a => (a.Call, true, a.HoldsAdmission),
            GuardedCall c => (c, false, false),
            _ => (null, false, false),
        };
        if (call is not null && !InHand(call))
        {
            var pending = new PendingCall(_state.NextId++, call, call.ReplyTo ?? Sender, _time.GetUtcNow(), call.Timeout ?? _options.Timeout)
            {
                Entered = entered,
                HoldsAdmission = admitted,
            };
            Answer(pending, CallOutcome.Failed, null, DegradationReason.ActorFailure, null, reason,
                $"The actor of '{_name}' crashed while taking the call in: {reason.Message}");
        }

    }

    private bool InHand(GuardedCall call) =>
        AllInHand().Any(p => ReferenceEquals(p.Call, call));

    /// <summary>Every call this actor holds, followers of single flights included.</summary>
    private IEnumerable<PendingCall> AllInHand()
    {
        var leaders = _state.Running.Values.Concat(Bulkhead.QueuedItems).Concat(_state.BackingOff.Values).ToList();
        return leaders
            .Concat(_state.Flights.Values.Where(l => !leaders.Contains(l)))
            .SelectMany(l => l.Followers is { } f ? f.Prepend(l) : [l])
            .Concat(_state.Degrading.Values)
            .Distinct();
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
        _gate.Close(); // senders now hear at once that the dependency's actor is gone
        if (_state is null) return;
        foreach (var pending in AllInHand().ToList())
        {
            _ = pending.Cancellation?.CancelAsync();
            if (pending.Phase == CallPhase.Queued) Bulkhead.RemoveQueued(pending);
            Answer(pending, pending.Attempts == 0 ? CallOutcome.Rejected : CallOutcome.Failed, null, DegradationReason.ActorFailure, null, null,
                $"The actor of '{_name}' stopped while the call was in its hands.");
        }
        _state.Running.Clear();
        _state.BackingOff.Clear();
        _state.Degrading.Clear();
        _state.Flights.Clear();
        _state.Threads?.Dispose();
    }
}
