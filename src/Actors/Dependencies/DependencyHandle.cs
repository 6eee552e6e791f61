using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Bulkhead;
using Orchestrator.Actors.Caching;
using Orchestrator.Actors.Isolation;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// A caller's handle on one dependency, and everything of it that callers and its actor share: the breaker's
/// board, the bulkhead's gate and slots, the cache, the counts. Every call sent through it goes through the one
/// <see cref="CallPipeline"/> on the caller's side. On the common path (breaker closed, a slot free, nobody waiting,
/// no cache to consult) the caller runs the work itself, answers directly and leaves the actor a count of the
/// success (one message for any number of them); a rejection walks the fallback chain on the caller's side; only
/// what needs the actor (the end of an open period, the cache and its single flight, a queue wait, a retry) is
/// handed over. Thread-safe; get one from <see cref="DependencyDirectory"/>. It outlives restarts of the actors.
/// </summary>
internal sealed class DependencyHandle : IDependencyEntry, IChainHost
{
    /// <summary>Extra time given to the dependency's actor, beyond the call's own limits, before a wait on it is given up.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private volatile IActorRef _actor = ActorRefs.Nobody;
    private volatile string? _stoppedReason;

    /// <summary>Why the actor stopped for good, if it did.</summary>
    internal string? StoppedReason => _stoppedReason;
    private volatile string? _clusterNote;
    private int _wantedWhileFollowing;
    private volatile bool _carriedCritical;

    internal DependencyHandle(string name, DependencyOptions options, TimeProvider time, NodeControls controls, BulkheadGate? gate = null)
    {
        Name = name;
        _options = options;
        Time = time;
        Controls = controls;
        Gate = gate ?? GateFor(options);
        Slots = new BulkheadSlots(options.Bulkhead.MaxConcurrency);
        Cache = options.Cache.Enabled ? new ResponseCache(options.Cache.MaxEntries, options.Cache.FreshFor, options.Cache.StaleFor, time) : null;
        RateLimit = options.RateLimit.Enabled ? new RateLimit.DependencyRateLimiter(name, options.RateLimit, time) : null;
        Pool = new CancellationPool(time);
        Threads = options.Bulkhead.DedicatedThreads is { } n ? new DedicatedThreadScheduler(name, n) : null;
    }

    /// <summary>The dependency's name.</summary>
    public string Name { get; }

    /// <summary>The dependency's actor (the current one: a new one after its supervisor restarted).</summary>
    public IActorRef Actor => _actor;

    private volatile DependencyOptions _options;
    private volatile OptionsChangeResult? _lastOptionsChange;

    /// <summary>The dependency's options in force (frozen; swapped whole by <see cref="ChangeOptions"/>: read them once per decision).</summary>
    public DependencyOptions Options => _options;

    /// <summary>The last change of the options tried at run time, taken or refused (null when none was tried).</summary>
    internal OptionsChangeResult? LastOptionsChange
    {
        get => _lastOptionsChange;
        set => _lastOptionsChange = value;
    }

    /// <summary>
    /// Puts <paramref name="next"/> (validated and frozen) in force for the next call, on both sides (the dependency's
    /// actor only): the options every path reads, then the room of the gate and the running places, resized.
    /// </summary>
    internal void ChangeOptions(DependencyOptions next)
    {
        _options = next;
        Gate.Capacity = GateCapacity(next);
        Slots.MaxConcurrency = next.Bulkhead.MaxConcurrency;
    }

    /// <summary>The caller-side half of the dependency's bulkhead: its room.</summary>
    public BulkheadGate Gate { get; }

    /// <summary>The dependency's breaker, as its actor publishes it.</summary>
    public BreakerBoard Breaker { get; } = new();

    /// <summary>How the dependency's calls ended.</summary>
    public DependencyStats Stats { get; } = new();

    /// <summary>The dependency's clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The dependency's rate limit on this node, when it has one: every attempt takes a permit.</summary>
    public RateLimit.DependencyRateLimiter? RateLimit { get; }

    /// <summary>The dependency's cache, when it caches (written by its actor only).</summary>
    public ResponseCache? Cache { get; }

    private Chaos.FaultPlan? _fault;

    /// <summary>The fault injected into this dependency, if any: written by its actor only, read by every path that runs its work.</summary>
    internal Chaos.FaultPlan? Fault
    {
        get => Volatile.Read(ref _fault);
        set => Volatile.Write(ref _fault, value);
    }

    /// <summary><paramref name="work"/>, or the injected fault's version of it.</summary>
    internal Func<CancellationToken, Task<T>> WorkOf<T>(Func<CancellationToken, Task<T>> work) => Fault is { } fault ? fault.Wrap(work) : work;

    internal BulkheadSlots Slots { get; }
    internal NodeControls Controls { get; }
    internal CancellationPool Pool { get; }
    internal SuccessTally Tally { get; } = new();
    internal DedicatedThreadScheduler? Threads { get; }

    /// <summary>Every dependency, for the replica step of the fallback chain (set once all handles exist).</summary>
    internal DependencyDirectory? Directory { get; set; }

    /// <summary>Where problems with user predicates are logged.</summary>
    internal ILoggingAdapter? Log { get; set; }

    /// <summary>Why the breaker is open, while it follows the cluster (the actor sets it).</summary>
    internal string? ClusterNote
    {
        get => _clusterNote;
        set => _clusterNote = value;
    }

    /// <summary>Whether the dependency has carried a CRITICAL call since start (it then counts as CRITICAL for the degradation health).</summary>
    public bool HasCarriedCritical => _carriedCritical;

    /// <summary>Notes the tier of a call that arrives (one write, the first time a CRITICAL call does).</summary>
    internal void NoteTier(Tier tier)
    {
        if (tier == Tier.Critical && !_carriedCritical) _carriedCritical = true;
    }

    /// <summary>Whether a caller wanted the dependency while its breaker followed the cluster, since the actor last forgot it.</summary>
    internal bool IsWantedWhileFollowing => Volatile.Read(ref _wantedWhileFollowing) == 1;

    /// <summary>
    /// A call was turned away because the breaker follows the cluster: for a dependency without a probe of its own,
    /// the first such call since the actor last forgot it tells the actor (one message, however many calls), which
    /// then takes over probing if the prober stays silent (see <see cref="ClusterFollowing.OnFollowCheck"/>).
    /// </summary>
    internal void NoteWantedWhileFollowing()
    {
        if (Options.Probe is null && Volatile.Read(ref _wantedWhileFollowing) == 0 && Interlocked.Exchange(ref _wantedWhileFollowing, 1) == 0)
            Actor.Tell(WantedWhileFollowing.Instance);
    }

    /// <summary>The actor forgets that callers wanted the dependency (the prober sent news, or the breaker stopped following).</summary>
    internal void ForgetWanted() => Volatile.Write(ref _wantedWhileFollowing, 0);

    /// <summary>
    /// The gate for a dependency: as many places as its bulkhead has slots and queue, plus, when it caches, the
    /// callers that may wait on an in-flight fetch of the same key.
    /// </summary>
    private static BulkheadGate GateFor(DependencyOptions options) => new(GateCapacity(options));

    /// <summary>The calls the gate holds at once: the running places, the queue, and those waiting for the cache or for permits.</summary>
    private static int GateCapacity(DependencyOptions options) =>
        options.Bulkhead.MaxConcurrency + options.Bulkhead.QueueCapacity + (options.Cache.Enabled ? options.Cache.MaxWaiters : 0)
        + (options.RateLimit.Enabled ? options.RateLimit.QueueLimit : 0);

    // ---- the ways in ------------------------------------------------------------------------------------------

    /// <summary>Sends <paramref name="call"/>; the result goes to its <c>ReplyTo</c>, else to <paramref name="sender"/>. No user code runs on this thread.</summary>
    public void Tell(GuardedCall call, IActorRef sender)
    {
        ArgumentNullException.ThrowIfNull(call);
        call.TellThrough(this, call.ReplyTo ?? sender ?? ActorRefs.Nobody);
    }

    /// <summary>Runs <paramref name="call"/> and returns its result; <paramref name="timeout"/> bounds a wait on the dependency's actor.</summary>
    public Task<ICallResult> AskAsync(GuardedCall call, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.CallThrough(this, timeout, cancellationToken);
    }

    /// <summary>Runs <paramref name="call"/> and returns its result (its work runs on this thread when nothing stands in the way).</summary>
    public ValueTask<CallResult<T>> CallAsync<T>(GuardedCall<T> call, CancellationToken cancellationToken = default) => Call(call, null, cancellationToken);

    ValueTask<CallResult<T>> IDependencyEntry.CallAsync<T>(GuardedCall<T> call, TimeSpan? wait, CancellationToken cancellationToken) =>
        Call(call, wait, cancellationToken);

    private ValueTask<CallResult<T>> Call<T>(GuardedCall<T> call, TimeSpan? wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        return CallerPath.Call(this, call, wait, cancellationToken);
    }

    void IDependencyEntry.Tell<T>(GuardedCall<T> call, IActorRef replyTo) => CallerPath.Tell(this, call, replyTo);

    // ---- shared by both sides -------------------------------------------------------------------------------------

    /// <summary>Takes a place in the node's load shedder for the call's tier; false (and counted) when it is shed.</summary>
    internal bool TryAdmitLoad(GuardedCall call)
    {
        if (Controls.Admission is not { } admission || admission.TryAdmit(call.Tier)) return true;
        OrchestratorMetrics.CallShed(Name, call.Tier);
        return false;
    }

    /// <summary>
    /// The breaker's word on a call arriving now, decided once for both sides (<see cref="BreakerBoard.Check(TimeProvider)"/>);
    /// a call turned away while the breaker follows the cluster tells the actor that callers want the dependency.
    /// </summary>
    internal BreakerCheck CheckBreaker()
    {
        var check = Breaker.Check(Time);
        if (check == BreakerCheck.Rejects && Breaker.IsFollowing) NoteWantedWhileFollowing();
        return check;
    }

    /// <summary>Takes a place in the dependency's room; a full room is counted, and its first rejection reported to the actor.</summary>
    internal GateCheck TryEnterGate()
    {
        if (Gate.TryEnter()) return GateCheck.Entered;
        if (Gate.IsClosed) return GateCheck.Closed;
        OrchestratorMetrics.BulkheadRejected(Name);
        if (Gate.TryReportRejecting()) Actor.Tell(new BulkheadRejectingStarted(Gate.RejectedTotal - 1));
        return GateCheck.Full;
    }

    /// <summary>
    /// The one answer of a call, wherever it is given (the caller's side, the actor, a fallback chain): what it held
    /// given back, counted, its span (if any) ended, and built as its typed result.
    /// </summary>
    internal ICallResult Answer(GuardedCall call, CallReport report, Holdings held, long arrived, Activity? span)
    {
        var elapsed = Time.GetElapsedTime(arrived);
        // A call its caller cancelled says nothing about the node's load either: its place goes back without moving an adaptive limit.
        Settle(call, report.Outcome, report.Reason, held, elapsed, ran: report.Attempts > 0 && report.Reason != DegradationReason.Cancelled);
        var answered = report with { Elapsed = elapsed };
        OrchestratorTracing.EndCall(span, answered);
        return call.ToResult(answered);
    }

    /// <summary>The answer of a call whose first attempt succeeded on the caller's side, typed (nothing boxed): see <see cref="Answer"/>.</summary>
    internal CallResult<T> Succeeded<T>(GuardedCall<T> call, T value, Holdings held, TimeSpan elapsed, Activity? span)
    {
        Settle(call, CallOutcome.Succeeded, DegradationReason.None, held, elapsed, ran: true);
        if (span is not null) OrchestratorTracing.EndCall(span, new CallReport(CallOutcome.Succeeded, null, DegradationReason.None, null, null, null, elapsed, 1));
        return new CallResult<T>(Name, value, elapsed, 1);
    }

    /// <summary>The bookkeeping of every answer: its holdings given back, its outcome counted and measured.</summary>
    private void Settle(GuardedCall call, CallOutcome outcome, DegradationReason reason, Holdings held, TimeSpan elapsed, bool ran)
    {
        // A refusal is the dependency answering: for the node's load it is a call that went well.
        Release(held, elapsed, ran, succeeded: outcome is CallOutcome.Succeeded or CallOutcome.Refused);
        Stats.Count(outcome, elapsed, reason);
        OrchestratorMetrics.CallAnswered(Name, call.Tier, outcome, reason, elapsed);
    }

    /// <summary>
    /// Gives a running place back from the caller's side, and wakes the actor when calls wait in its queue (nothing
    /// else would start them; see <see cref="BulkheadSlots.Release"/>).
    /// </summary>
    internal void ReleaseSlot()
    {
        if (Slots.Release()) Actor.Tell(SlotFreed.Instance);
    }

    internal void Release(Holdings held, TimeSpan elapsed, bool ran, bool succeeded)
    {
        if ((held & Holdings.Gate) != 0) Gate.Exit();
        if ((held & Holdings.Load) == 0 || Controls.Admission is not { } admission) return;
        // A call turned away at once says nothing about the node's load: it gives its place back without moving an adaptive limit.
        if (ran || succeeded) admission.Release(elapsed, succeeded);
        else admission.Release();
    }

    /// <summary>A sentence for the caller, naming the dependency and why the call was turned away (see <see cref="TurnedAway"/>).</summary>
    internal string DetailFor(DegradationReason reason, GuardedCall call) => TurnedAway.Detail(this, reason, call);

    internal void WarnAbout(string? problem)
    {
        if (problem is not null) Log?.Warning("A predicate of {Dependency} failed: {Problem}", Name, problem);
    }

    // ---- the actor's life ---------------------------------------------------------------------------------------

    /// <summary>Points the handle at the dependency's (new) actor, and opens the gate again.</summary>
    internal void Attach(IActorRef actor)
    {
        _stoppedReason = null;
        _actor = actor;
        Gate.Reopen();
    }

    /// <summary>Says why the actor stopped for good (its gate is closed): calls are answered at once with <see cref="DegradationReason.ActorFailure"/>.</summary>
    internal void MarkStopped(string reason)
    {
        _stoppedReason = reason;
        Gate.Close();
    }

    /// <summary>The longest the dependency can take to answer <paramref name="call"/>, plus <paramref name="grace"/> (see <see cref="AnswerTime"/>).</summary>
    public TimeSpan LongestAnswerTime(GuardedCall call, TimeProvider time, TimeSpan grace, DependencyOptions? options = null) =>
        AnswerTime.Longest(this, call, time, grace, options);

    Task<ICallResult>? IChainHost.AskReplica(GuardedCall replicaCall) =>
        Directory?.Handles.TryGetValue(replicaCall.Dependency, out var replica) == true
            ? replica.AskAsync(replicaCall, replica.LongestAnswerTime(replicaCall, Time, Grace))
            : null;
}
