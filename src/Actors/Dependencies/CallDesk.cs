using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Bulkhead;
using Orchestrator.Actors.Caching;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Actors.Retry;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The dependency actor's side of the call path: every call in its hands, taken through the same
/// <see cref="CallPipeline"/> as on the caller's side (from the start for a call told straight to the actor, from
/// where the caller's side handed it over otherwise), then its attempts off the actor's thread, its retries on
/// timers, its single flight, and its one answer. Used only on the actor's thread; a new desk is made over the
/// adopted state after a restart.
/// </summary>
internal sealed class CallDesk(DependencyHandle handle, DependencyState state, ITimerScheduler timers, IActorRef self, ILoggingAdapter log, Func<double> random)
{
    private CircuitBreaker Breaker => state.Breaker;
    private DependencyHandle Handle => handle;
    private Bulkhead<PendingCall> Bulkhead => state.Bulkhead;
    private DependencyOptions Options => handle.Options;
    private string Name => handle.Name;

    // ---- arrivals -------------------------------------------------------------------------------------------------

    /// <summary>A call told straight to the actor: the whole pipeline, from its deadline on.</summary>
    public void TakeIn(GuardedCall call, IActorRef replyTo) =>
        Process(NewPending(call, replyTo, handle.Time.GetTimestamp(), Holdings.None), PipelineStage.Deadline);

    /// <summary>A call the caller's side handed over: the pipeline from where it stopped.</summary>
    public void Resume(AdmittedCall admitted, IActorRef replyTo) =>
        Process(NewPending(admitted.Call, replyTo, admitted.Arrived, admitted.Held), admitted.ResumeAt);

    /// <summary>A failed first attempt from the caller's side that may be retried: recorded, then retried or degraded here.</summary>
    public void TakeOver(RetryHandover handover, IActorRef replyTo)
    {
        Breaker.RecordFailure(handover.Duration, handover.Permit, handover.Round);
        state.Budget.RecordAttempt();
        var pending = NewPending(handover.Call, replyTo, handover.Arrived, handover.Held);
        pending.Attempts = 1;
        var detail = handover.Failure.Detail!;
        if (!TryScheduleRetry(pending, ref detail)) Degrade(pending, handover.Failure.Reason, handover.Failure.Error, detail);
        Drain();
    }

    private PendingCall NewPending(GuardedCall call, IActorRef replyTo, long arrived, Holdings held) =>
        new(state.NextId++, call, replyTo, arrived, call.Timeout ?? Options.Timeout)
        {
            CacheKey = handle.Cache is not null ? CacheKeys.For(call) : null,
            Held = held,
        };

    private void Process(PendingCall pending, PipelineStage from)
    {
        var side = new ActorSide(this, pending);
        var verdict = CallPipeline.Admit(ref side, pending.Call, from, pending.Held);
        pending.Held = verdict.Held;
        switch (verdict.Kind)
        {
            case VerdictKind.Run:
                Start(pending, verdict.Permit, verdict.ProbeRound);
                Drain();
                break;
            case VerdictKind.Reject:
                Reply(pending, new CallReport(CallOutcome.Rejected, null, verdict.Reason, null, null, handle.DetailFor(verdict.Reason, pending.Call), TimeSpan.Zero, 0));
                break;
            case VerdictKind.Degrade:
            case VerdictKind.Defer: // the actor's side never defers; were it to, the call is not lost
                Degrade(pending, verdict.Reason, null, handle.DetailFor(verdict.Reason, pending.Call));
                break;
        }
    }

    /// <summary>The actor's answers to the pipeline's questions (the rest are the handle's, shared with the caller's side).</summary>
    private readonly struct ActorSide(CallDesk desk, PendingCall pending) : IPipelineSide
    {
        public DateTimeOffset Now => desk.Handle.Time.GetUtcNow();
        public bool FeatureAllows(GuardedCall call) => desk.Handle.Controls.Board.Current.Allows(call.Tier, call.Feature);
        public bool TryAdmitLoad(GuardedCall call) => desk.Handle.TryAdmitLoad(call);

        public BreakerCheck CheckBreaker()
        {
            desk.Breaker.Refresh(); // a call arriving after the open period moves the breaker, as its timer would
            return desk.Breaker.IsCallPermitted ? BreakerCheck.Passes : BreakerCheck.Rejects;
        }

        public GateCheck TryEnterGate(GuardedCall call) => desk.Handle.TryEnterGate();
        public CacheCheck CheckCache(GuardedCall call) => desk.CheckCache(pending);
        public AttemptCheck TryStartAttempt(GuardedCall call) => desk.TryStartAttempt(pending);
    }

    // ---- cache and single flight ----------------------------------------------------------------------------------

    private CacheCheck CheckCache(PendingCall pending)
    {
        if (handle.Cache is not { } cache || pending.CacheKey is not { } key) return CacheCheck.Miss;
        var lookup = cache.Get(key);
        if (lookup.Hit == CacheHit.Fresh)
        {
            cache.CountHit();
            Reply(pending, Cached(lookup, ValueFreshness.Cached, null));
            return CacheCheck.Handled;
        }
        if (lookup.Hit == CacheHit.Stale && Options.Cache.StaleWhileRevalidate)
        {
            cache.CountStaleServed();
            Reply(pending, Cached(lookup, ValueFreshness.Stale, $"Served from the cache of '{Name}', {lookup.Age.TotalSeconds:0.#} s old, while it is refreshed."));
            Revalidate(pending, key);
            return CacheCheck.Handled;
        }
        cache.CountMiss();
        if (state.Flights.TryGetValue(key, out var leader))
        {
            // Single flight: the fetch in flight for this key answers this call too.
            pending.Phase = CallPhase.Following;
            (leader.Followers ??= []).Add(pending);
            if (pending.Deadline is { } own)
                timers.StartSingleTimer(new FollowerTimerKey(pending.Id), new FollowerDeadline(pending), NotNegative(own - handle.Time.GetUtcNow()));
            return CacheCheck.Handled;
        }
        state.Flights[key] = pending;
        return CacheCheck.Miss;
    }

    private static CallReport Cached(CacheLookup lookup, ValueFreshness freshness, string? detail) =>
        new(CallOutcome.Succeeded, lookup.Value, DegradationReason.None, null, null, detail, TimeSpan.Zero, 0) { Freshness = freshness, Age = lookup.Age };

    /// <summary>Refreshes a stale key once: no other fetch for it may be in flight, and the breaker and bulkhead must let it through.</summary>
    private void Revalidate(PendingCall trigger, string key)
    {
        if (state.Flights.ContainsKey(key) || !Breaker.IsCallPermitted) return;
        var refresh = new PendingCall(state.NextId++, trigger.Call with { Deadline = null, ReplyTo = null }, ActorRefs.Nobody, handle.Time.GetTimestamp(), Options.Timeout)
        {
            CacheKey = key,
            IsRefresh = true,
        };
        state.Flights[key] = refresh;
        Process(refresh, PipelineStage.Attempt);
    }

    public void OnFollowerDeadline(FollowerDeadline m)
    {
        var follower = m.Follower;
        if (follower.Phase != CallPhase.Following || follower.CacheKey is not { } key || !state.Flights.TryGetValue(key, out var leader)) return;
        if (leader.Followers?.Remove(follower) != true) return;
        Reply(follower, new CallReport(CallOutcome.Rejected, null, DegradationReason.DeadlineExceeded, null, null,
            $"The deadline of the call to '{Name}' passed while it waited on the fetch of the same key.", TimeSpan.Zero, 0));
    }

    /// <summary>Ends a flight: the leader no longer stands for its key; returns the calls that waited on it.</summary>
    private List<PendingCall> ReleaseFlight(PendingCall leader)
    {
        if (leader.CacheKey is { } key && state.Flights.TryGetValue(key, out var current) && ReferenceEquals(current, leader))
            state.Flights.Remove(key);
        var followers = leader.Followers ?? [];
        leader.Followers = null;
        return followers;
    }

    // ---- attempts -------------------------------------------------------------------------------------------------

    private AttemptCheck TryStartAttempt(PendingCall pending)
    {
        Breaker.Refresh();
        if (!Breaker.IsCallPermitted) return AttemptCheck.BreakerOpen;
        switch (Bulkhead.TryEnter(pending))
        {
            case BulkheadAdmission.Run:
                var permit = Breaker.TryAcquire(out var round);
                if (permit != BreakerPermit.Rejected) return AttemptCheck.Run(permit, round);
                Bulkhead.Release();
                return AttemptCheck.BreakerOpen;
            case BulkheadAdmission.Queued:
                pending.Phase = CallPhase.Queued;
                pending.EnqueuedAt = handle.Time.GetUtcNow();
                timers.StartSingleTimer(new QueueTimerKey(pending.Id), new QueueWaitEnded(pending), NotNegative(pending.QueueDeadline - pending.EnqueuedAt));
                return AttemptCheck.Queued;
            default:
                // Only calls beyond the bulkhead come here: single-flight waiters widen the gate, not the queue.
                return AttemptCheck.Full;
        }
    }

    /// <summary>Starts waiting calls while slots are free.</summary>
    public void Drain()
    {
        while (Bulkhead.TryStartNext(out var next))
        {
            timers.Cancel(new QueueTimerKey(next.Id));
            var permit = Breaker.TryAcquire(out var round);
            if (permit == BreakerPermit.Rejected)
            {
                Bulkhead.Release();
                Degrade(next, DegradationReason.BreakerOpen, null, handle.DetailFor(DegradationReason.BreakerOpen, next.Call));
            }
            else
            {
                Start(next, permit, round);
            }
        }
    }

    /// <summary>Starts an attempt of a call that holds a slot and a permit, off the actor's thread; its end comes back as <see cref="AttemptEnded"/>.</summary>
    private void Start(PendingCall pending, BreakerPermit permit, long round)
    {
        if (pending.Deadline is { } deadline && deadline <= handle.Time.GetUtcNow())
        {
            Bulkhead.Release();
            if (permit == BreakerPermit.Probe) Breaker.ReleaseProbe(round);
            AnswerAll(pending, pending.Attempts == 0 ? CallOutcome.Rejected : CallOutcome.Failed, DegradationReason.DeadlineExceeded,
                $"The deadline of the call to '{Name}' passed before it could start.");
            return;
        }
        if (pending.Attempts == 0 && !pending.IsRefresh) state.Budget.RecordAttempt();
        pending.Phase = CallPhase.Running;
        pending.Permit = permit;
        pending.ProbeRound = round;
        pending.Attempts++;
        state.Running[pending.Id] = pending;
        var (id, attempt) = (pending.Id, pending.Attempts);
        AttemptRunner.RunAsync<object?>(Name, pending.Call.InvokeAsync, pending.Deadline, pending.Timeout, handle.Time, handle.Pool,
                (TaskScheduler?)handle.Threads ?? TaskScheduler.Default, handle.Time.GetTimestamp())
            .AsTask()
            .PipeTo(self, success: outcome => new AttemptEnded(id, attempt, outcome));
    }

    public void OnAttemptEnded(AttemptEnded ended)
    {
        // Not running any more (answered at restart or stop): its outcome is dropped.
        if (!state.Running.TryGetValue(ended.Id, out var pending) || pending.Attempts != ended.Attempt) return;
        state.Running.Remove(ended.Id);
        Bulkhead.Release();
        var outcome = ended.Outcome;
        if (!outcome.Started) pending.Attempts--;
        string? problem = null;
        var answerFailed = outcome.End == AttemptEnd.Answered && OutcomeClassifier.IsFailedAnswer(pending.Call, outcome.Value, Options.Breaker, out problem);
        var judged = Judgement.Of(Name, pending.Call, outcome, answerFailed, Options.Breaker, out var endProblem);
        if ((problem ?? endProblem) is { } text) log.Warning("A predicate of {Dependency} failed: {Problem}", Name, text);
        if (outcome.End == AttemptEnd.TimedOut) handle.Stats.CountTimeout();
        var retryable = judged.Class == OutcomeClass.Failure && !pending.IsRefresh && pending.Attempts < Options.Retry.MaxAttempts
            && RetryPolicy.IsRetryable(Options.Retry, judged.Error!);

        switch (CallPipeline.AfterAttempt(judged.Class, retryable))
        {
            case NextStep.Answer:
                Breaker.RecordSuccess(outcome.Duration, pending.Permit, pending.ProbeRound);
                Succeed(pending, outcome.Value);
                break;
            case NextStep.AnswerWithoutChain:
                // The caller's fault or the deadline says nothing about the dependency: nothing recorded, a probe handed back.
                if (pending.Permit == BreakerPermit.Probe) Breaker.ReleaseProbe(pending.ProbeRound);
                AnswerAll(pending, pending.Attempts == 0 ? CallOutcome.Rejected : CallOutcome.Failed, judged.Reason, judged.Detail!, judged.Error);
                break;
            default:
                Breaker.RecordFailure(outcome.Duration, pending.Permit, pending.ProbeRound);
                var detail = judged.Detail!;
                if (!(retryable && TryScheduleRetry(pending, ref detail))) Degrade(pending, judged.Reason, judged.Error, detail);
                break;
        }
        Drain();
    }

    public void OnQueueWaitEnded(QueueWaitEnded ended)
    {
        var pending = ended.Pending;
        if (!Bulkhead.RemoveQueued(pending)) return;
        if (pending.Deadline is { } deadline && deadline <= handle.Time.GetUtcNow())
            AnswerAll(pending, CallOutcome.Rejected, DegradationReason.DeadlineExceeded,
                $"The deadline of the call to '{Name}' passed while it waited for a slot; it never ran.");
        else
            Degrade(pending, DegradationReason.Timeout, null,
                $"The call to '{Name}' waited {pending.Timeout.TotalMilliseconds:0} ms (its timeout) for a slot; it never ran.");
    }

    // ---- retries --------------------------------------------------------------------------------------------------

    /// <summary>
    /// Schedules another attempt after a backoff with full jitter, if the breaker lets calls through, the deadline
    /// leaves time for the delay, and the retry budget allows it. When only the budget says no, <paramref name="detail"/> says so.
    /// </summary>
    private bool TryScheduleRetry(PendingCall pending, ref string detail)
    {
        var retry = Options.Retry;
        if (pending.Attempts >= retry.MaxAttempts || !Breaker.IsCallPermitted) return false;
        var now = handle.Time.GetUtcNow();
        var delay = Backoff.FullJitter(pending.Attempts, retry.BaseDelay, retry.MaxDelay, random());
        if (pending.Deadline is { } deadline && now + delay >= deadline) return false;
        if (!state.Budget.TryWithdraw())
        {
            state.RetriesDenied++;
            detail += $" Not retried: the retry budget of '{Name}' is spent.";
            pending.Trail.Add(new ChainStep("retry", DegradationReason.RetryBudgetExhausted, $"The retry budget of '{Name}' allows no more retries now."));
            return false;
        }
        state.Retries++;
        pending.Phase = CallPhase.BackingOff;
        pending.RetryAt = now + delay;
        state.BackingOff[pending.Id] = pending;
        timers.StartSingleTimer(new RetryTimerKey(pending.Id), new RetryDue(pending), delay);
        return true;
    }

    public void OnRetryDue(RetryDue due)
    {
        var pending = due.Pending;
        if (!state.BackingOff.Remove(pending.Id)) return;
        pending.Phase = CallPhase.New;
        Process(pending, PipelineStage.Attempt);
    }

    // ---- answers --------------------------------------------------------------------------------------------------

    /// <summary>The dependency answered: cache it, and answer the call and every call waiting on the same fetch.</summary>
    private void Succeed(PendingCall pending, object? value)
    {
        if (pending.CacheKey is { } key) handle.Cache!.Set(key, value);
        var report = new CallReport(CallOutcome.Succeeded, value, DegradationReason.None, null, null, null, TimeSpan.Zero, 0);
        foreach (var follower in ReleaseFlight(pending))
        {
            follower.Attempts = pending.Attempts;
            Reply(follower, report);
        }
        Reply(pending, report);
    }

    /// <summary>Answers the call, and the calls waiting on it, without a fallback (deadline passed, caller's error).</summary>
    /// <remarks>
    /// The calls that waited on it did nothing wrong: when it was the leader's deadline that cut the shared fetch
    /// short, they walk their own fallback chains instead.
    /// </remarks>
    private void AnswerAll(PendingCall pending, CallOutcome outcome, DegradationReason reason, string detail, Exception? error = null)
    {
        foreach (var follower in ReleaseFlight(pending))
        {
            follower.Attempts = pending.Attempts;
            if (reason == DegradationReason.DeadlineExceeded)
                Degrade(follower, DegradationReason.Timeout, error, $"The shared fetch of '{Name}' for this key was cut short by the deadline of the call that led it.");
            else
                Reply(follower, new CallReport(outcome, null, reason, null, error, detail, TimeSpan.Zero, 0));
        }
        Reply(pending, new CallReport(outcome, null, reason, null, error, detail, TimeSpan.Zero, 0));
    }

    /// <summary>
    /// The primary answer is missing: each waiting call walks its own <see cref="FallbackChain"/>. The call leaves the
    /// actor's books at once; a chain that runs user code (replica, fallback) finishes off the actor's thread and
    /// answers by itself.
    /// </summary>
    private void Degrade(PendingCall pending, DegradationReason reason, Exception? error, string detail)
    {
        foreach (var follower in ReleaseFlight(pending))
        {
            follower.Attempts = pending.Attempts;
            Degrade(follower, reason, error, detail);
        }
        if (pending.IsRefresh)
        {
            Finish(pending);
            log.Debug("Background refresh of {Dependency} key {Key} failed: {Detail}", Name, pending.CacheKey, detail);
            return;
        }
        if (!Finish(pending)) return;
        var walk = FallbackChain.Walk(handle, new ChainRequest(pending.Call, reason, error, detail, pending.Attempts, Offload: true) { Before = pending.Trail });
        if (walk.IsCompletedSuccessfully) Send(pending, walk.Result);
        else _ = SendLater(handle, pending.Call, pending.ReplyTo, pending.Held, pending.Arrived, walk);
    }

    private static async Task SendLater(DependencyHandle handle, GuardedCall call, IActorRef replyTo, Holdings held, long arrived, ValueTask<CallReport> walk) =>
        replyTo.Tell(handle.Answer(call, await walk.ConfigureAwait(false), held, arrived));

    /// <summary>The one answer of a call: out of the actor's books, given back what it held, counted, told to its caller.</summary>
    private void Reply(PendingCall pending, CallReport report)
    {
        if (Finish(pending)) Send(pending, report with { Attempts = pending.Attempts, Trail = pending.Trail.Count == 0 ? [] : [.. pending.Trail] });
    }

    private void Send(PendingCall pending, CallReport report)
    {
        if (!pending.IsRefresh) pending.ReplyTo.Tell(handle.Answer(pending.Call, report, pending.Held, pending.Arrived));
    }

    /// <summary>Takes a call out of the actor's books; false if it was answered already.</summary>
    private bool Finish(PendingCall pending)
    {
        if (pending.Phase == CallPhase.Answered) return false;
        pending.Phase = CallPhase.Answered;
        if (pending.Deadline is not null) timers.Cancel(new FollowerTimerKey(pending.Id));
        return true;
    }

    // ---- restarts and stops ---------------------------------------------------------------------------------------

    /// <summary>Every call this actor holds, followers of single flights included.</summary>
    public IEnumerable<PendingCall> AllInHand()
    {
        var leaders = state.Running.Values.Concat(Bulkhead.QueuedItems).Concat(state.BackingOff.Values).ToList();
        return leaders
            .Concat(state.Flights.Values.Where(l => !leaders.Contains(l)))
            .SelectMany(l => l.Followers is { } f ? f.Prepend(l) : [l])
            .Distinct();
    }

    /// <summary>Answers a call that crashed the actor as it arrived (the new instance never sees it), unless it is already in hand.</summary>
    public void AnswerCrashed(GuardedCall call, IActorRef replyTo, long arrived, Holdings held, Exception reason)
    {
        if (AllInHand().Any(p => ReferenceEquals(p.Call, call))) return;
        Reply(NewPending(call, replyTo, arrived, held), new CallReport(CallOutcome.Failed, null, DegradationReason.ActorFailure, null, reason,
            $"The actor of '{Name}' crashed while taking the call in: {reason.Message}", TimeSpan.Zero, 0));
    }

    /// <summary>Answers every call in hand: the actor stopped.</summary>
    public void AnswerAllInHand()
    {
        foreach (var pending in AllInHand().ToList())
        {
            if (pending.Phase == CallPhase.Queued) Bulkhead.RemoveQueued(pending);
            if (pending.Phase == CallPhase.Running) Bulkhead.Release();
            Reply(pending, new CallReport(pending.Attempts == 0 ? CallOutcome.Rejected : CallOutcome.Failed, null, DegradationReason.ActorFailure, null, null,
                $"The actor of '{Name}' stopped while the call was in its hands.", TimeSpan.Zero, 0));
        }
        state.Running.Clear();
        state.BackingOff.Clear();
        state.Flights.Clear();
    }

    /// <summary>Sets the timers of the calls in hand again (a restarted actor's timers are new).</summary>
    public void RearmTimers()
    {
        var now = handle.Time.GetUtcNow();
        foreach (var p in Bulkhead.QueuedItems)
            timers.StartSingleTimer(new QueueTimerKey(p.Id), new QueueWaitEnded(p), NotNegative(p.QueueDeadline - now));
        foreach (var p in state.BackingOff.Values)
            timers.StartSingleTimer(new RetryTimerKey(p.Id), new RetryDue(p), NotNegative(p.RetryAt - now));
        foreach (var f in state.Flights.Values.SelectMany(l => l.Followers ?? []).Where(f => f.Deadline is not null))
            timers.StartSingleTimer(new FollowerTimerKey(f.Id), new FollowerDeadline(f), NotNegative(f.Deadline!.Value - now));
    }

    public static TimeSpan NotNegative(TimeSpan t) => t > TimeSpan.Zero ? t : TimeSpan.Zero;
}
