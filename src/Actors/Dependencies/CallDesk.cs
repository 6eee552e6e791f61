using System.Diagnostics;
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
internal sealed partial class CallDesk
{
    private readonly DependencyHandle _handle;
    private readonly DependencyState _state;
    private readonly ITimerScheduler _timers;
    private readonly IActorRef _self;
    private readonly Func<double> _random;
    private readonly CallReplies _replies;
    private readonly CacheStage _cache;
    private readonly ILoggingAdapter _log;

    public CallDesk(DependencyHandle handle, DependencyState state, ITimerScheduler timers, IActorRef self, ILoggingAdapter log, Func<double> random)
    {
        (_handle, _state, _timers, _self, _random, _log) = (handle, state, timers, self, random, log);
        _replies = new CallReplies(handle, state, timers, log);
        Successes = new SuccessCollector(handle, state, timers);
        handle.Tally.StopCollecting(); // a new desk (after a restart) has no collection timer yet: the next success tells it
        // What was counted while no timer ran is taken by a message behind those already in the mailbox, up to the count
        // now: the failures there (told before this actor started, or before it crashed) come first, each with the
        // successes before it. Taken here, at once, those successes would jump ahead of the failures. The message also
        // clears "told", which a message lost with the crash would have left set.
        self.Tell(new SuccessesReady(handle.Tally.Mark()));
        _cache = new CacheStage(handle, state, timers, _replies, fetch => Process(fetch, PipelineStage.Attempt));
        InHand = new CallsInHand(handle, state, timers, _replies, (call, replyTo, arrived, held) => NewPending(call, replyTo, arrived, held, null));
    }

    internal DependencyHandle Handle => _handle;
    internal CircuitBreaker Breaker => _state.Breaker;
    internal CacheStage Cache => _cache;
    internal SuccessCollector Successes { get; }

    /// <summary>Every call in the actor's hands, for restarts and stops.</summary>
    internal CallsInHand InHand { get; }
    internal Bulkhead<PendingCall> Bulkhead => _state.Bulkhead;
    private DependencyOptions Options => _handle.Options;
    private string Name => _handle.Name;

    // ---- arrivals -------------------------------------------------------------------------------------------------

    /// <summary>A call told straight to the actor: the whole pipeline, from its deadline on.</summary>
    public void TakeIn(GuardedCall call, IActorRef replyTo)
    {
        _handle.NoteTier(call.Tier);
        var before = Activity.Current;
        var span = OrchestratorTracing.StartCall(Name, call);
        if (span is not null) Activity.Current = before; // the span goes with the call, not with this actor's thread
        Process(NewPending(call, replyTo, _handle.Time.GetTimestamp(), Holdings.None, span), PipelineStage.Deadline);
    }

    /// <summary>A call the caller's side handed over: the pipeline from where it stopped.</summary>
    public void Resume(AdmittedCall admitted, IActorRef replyTo) =>
        Process(NewPending(admitted.Call, replyTo, admitted.Arrived, admitted.Held, admitted.Span, admitted.Cancellation, admitted.Options), admitted.ResumeAt);

    /// <summary>A failed first attempt from the caller's side that may be retried (its failure reached the breaker before, as <see cref="AttemptFailed"/>): retried or degraded here.</summary>
    public void TakeOver(RetryHandover handover, IActorRef replyTo)
    {
        var pending = NewPending(handover.Call, replyTo, handover.Arrived, handover.Held, handover.Span, handover.Cancellation, handover.Options);
        pending.Attempts = pending.LastNumber = pending.Tries = 1;
        Decide(pending, handover.Failure, retry: true);
        Drain();
    }

    private PendingCall NewPending(GuardedCall call, IActorRef replyTo, long arrived, Holdings held, Activity? span,
        CancellationToken cancellation = default, DependencyOptions? options = null)
    {
        var pending = new PendingCall(_state.NextId++, call, replyTo, arrived, options ?? Options)
        {
            Cancellation = cancellation,
            CacheKey = _handle.Cache is not null ? CacheKeys.For(call) : null,
            Held = held,
            Span = span,
        };
        pending.WatchCaller(_self);
        return pending;
    }

    private void Process(PendingCall pending, PipelineStage from)
    {
        var side = new ActorSide(this, pending, successesBefore: default); // admission records no attempt's outcome
        var verdict = CallPipeline.Admit(ref side, pending.Call, from, pending.Held);
        pending.Held = verdict.Held;
        switch (verdict.Kind)
        {
            case VerdictKind.Run:
                Start(pending, verdict.Permit, verdict.ProbeRound);
                Drain();
                break;
            case VerdictKind.Handled:
                Drain(); // a slot a caller freed as this call was queued (the caller saw no queue yet) is not left idle
                break;
            case VerdictKind.Reject:
                _replies.Reply(pending, new CallReport(CallOutcome.Rejected, null, verdict.Reason, null, null, _handle.DetailFor(verdict.Reason, pending.Call), TimeSpan.Zero, 0));
                break;
            case VerdictKind.Degrade:
            case VerdictKind.Defer: // the actor's side never defers; were it to, the call is not lost
                _replies.Degrade(pending, verdict.Reason, null, _handle.DetailFor(verdict.Reason, pending.Call));
                break;
        }
    }

    // ---- attempts -------------------------------------------------------------------------------------------------

    /// <summary>
    /// The breaker's permit first (the one way: <see cref="CircuitBreaker.TryAcquire(out long)"/>), then a slot and the
    /// rate limit's permit, or a place in the queue (a probe then goes back: it is taken again when the call starts).
    /// </summary>
    internal AttemptCheck TryStartAttempt(PendingCall pending)
    {
        var permit = Breaker.TryAcquire(out var round);
        if (permit == BreakerPermit.Rejected) return AttemptCheck.BreakerOpen;
        var admission = Bulkhead.TryEnter(pending);
        if (admission == BulkheadAdmission.Run)
        {
            // A call that did not wait yet goes behind those that do: the next permits are theirs first.
            var behindWaiters = _handle.RateLimit is { Waiting: > 0 } && !pending.HoldsPermitPlace;
            if (!behindWaiters && TakeRatePermit()) return AttemptCheck.Run(permit, round);
            return WaitWithoutSlot(pending, permit, round) ? AttemptCheck.Queued : AttemptCheck.RateLimited;
        }
        if (permit == BreakerPermit.Probe) Breaker.ReleaseProbe(round);
        switch (admission)
        {
            case BulkheadAdmission.Queued:
                pending.Phase = CallPhase.Queued;
                pending.EnqueuedAt = _handle.Time.GetUtcNow();
                _timers.StartSingleTimer(new QueueTimerKey(pending.Id), new QueueWaitEnded(pending), NotNegative(pending.QueueDeadline - pending.EnqueuedAt));
                return AttemptCheck.Queued;
            default:
                // Only calls beyond the bulkhead come here: single-flight waiters widen the gate, not the queue.
                return AttemptCheck.Full;
        }
    }

    /// <summary>Starts waiting calls while slots are free (and, with a rate limit, while it has permits: else when they come).</summary>
    public void Drain()
    {
        while (Bulkhead.Queued > 0)
        {
            if (_handle.RateLimit is { Available: 0 } limit)
            {
                _timers.StartSingleTimer(PermitsDueTimerKey, PermitsDue.Instance, limit.UntilNextPermits());
                return;
            }
            if (!Bulkhead.TryStartNext(out var next)) return;
            _timers.Cancel(new QueueTimerKey(next.Id));
            if (next.CallerCancelled) // its CallerGaveUp is still behind in the mailbox: no slot, permit or probe spent on it
            {
                Bulkhead.Release();
                AnswerGaveUp(next, CallPhase.Queued);
                continue;
            }
            var permit = Breaker.TryAcquire(out var round);
            if (permit == BreakerPermit.Rejected)
            {
                Bulkhead.Release();
                _replies.Degrade(next, DegradationReason.BreakerOpen, null, _handle.DetailFor(DegradationReason.BreakerOpen, next.Call));
            }
            else if (TakeRatePermit())
            {
                Start(next, permit, round);
            }
            else
            {
                // A caller took the last permit since the look above: this call waits for the next ones, or is turned away.
                if (!WaitWithoutSlot(next, permit, round)) _replies.Degrade(next, DegradationReason.RateLimited, null, _handle.DetailFor(DegradationReason.RateLimited, next.Call));
            }
        }
    }

    /// <summary>
    /// Starts a try of a call (its first attempt, or a retry) that holds a slot and a permit, and, when the call is
    /// hedged, the timer of its next hedge.
    /// </summary>
    private void Start(PendingCall pending, BreakerPermit permit, long round)
    {
        if (pending.Tries == 0 && !pending.IsRefresh) _state.Budget.RecordAttempt();
        pending.Tries++;
        StartAttempt(pending, permit, round, isHedge: false);
        ScheduleHedge(pending);
    }

    /// <summary>
    /// Starts an attempt off the actor's thread; its end comes back as <see cref="AttemptEnded"/> and goes through
    /// <see cref="AttemptStage"/> (a deadline passed meanwhile ends it as not started there).
    /// </summary>
    private void StartAttempt(PendingCall pending, BreakerPermit permit, long round, bool isHedge)
    {
        pending.Phase = CallPhase.Running;
        pending.Attempts++;
        var number = ++pending.LastNumber;
        var attempt = NewAttempt(pending, number, permit, round, isHedge);
        pending.InFlight.Add(attempt);
        _state.Running[pending.Id] = pending;
        var id = pending.Id;
        // Current while the work is started elsewhere (it takes this context along): the work's own spans are the attempt's children.
        var before = Activity.Current;
        attempt.Span = OrchestratorTracing.StartAttempt(pending.Span, Name, number);
        var fault = _handle.Fault;
        // A fetch for a cache key serves every call waiting on it: one caller giving up must not cancel it for the others.
        var cancellation = attempt.Cancellation?.Token ?? (pending.CacheKey is null ? pending.Cancellation : default);
        AttemptRunner.RunAsync<object?>(Name, fault is null ? pending.Call.InvokeAsync : ct => pending.Call.InvokeAsync(fault, ct), pending.Deadline, pending.Timeout, _handle.Time, _handle.Pool,
                (TaskScheduler?)_handle.Threads ?? TaskScheduler.Default, _handle.Time.GetTimestamp(), cancellation)
            .AsTask()
            .PipeTo(_self, success: outcome => new AttemptEnded(id, number, outcome, _handle.Tally.Mark()));
        if (attempt.Span is not null) Activity.Current = before;
    }

    /// <summary>A single-flight follower reached its own deadline.</summary>
    public void OnFollowerDeadline(FollowerDeadline m) => _cache.OnFollowerDeadline(m);

    public void OnAttemptEnded(AttemptEnded ended)
    {
        if (!TryEndAttempt(ended.Id, ended.Attempt, out var pending, out var attempt)) return;
        var outcome = ended.Outcome;
        if (!outcome.Started) pending.Attempts--;
        var side = new ActorSide(this, pending, ended.SuccessesBefore);
        var after = AttemptStage.After(ref side, pending.Call, outcome,
            new AttemptTicket(attempt.Permit, attempt.Round, pending.Tries, pending.IsRefresh), attempt.Span);
        if (after.Step == NextStep.Answer) _state.Latencies.Add(outcome.Duration);
        if (pending.Phase == CallPhase.Answered)
        {
            // A hedged call's attempt that lost: its place is back and its outcome recorded; the call was answered.
            Drain();
            return;
        }
        switch (after.Step)
        {
            case NextStep.Answer:
                Won(pending, attempt, Name);
                _replies.Succeed(pending, outcome.Value);
                break;
            case NextStep.AnswerWithoutChain:
                StopHedging(pending);
                var report = after.Judged.ReportWithoutChain(pending.Attempts);
                _replies.AnswerAll(pending, report.Outcome, report.Reason, report.Detail!, report.Error);
                break;
            default:
                if (!WaitsForOtherAttempts(pending, after)) Decide(pending, after);
                break;
        }
        Drain();
    }

    /// <summary>
    /// Takes attempt <paramref name="number"/> of call <paramref name="id"/> out of those running (the call leaves the
    /// running calls with its last attempt); false when it is not running any more (answered at a restart or a stop:
    /// its outcome is dropped).
    /// </summary>
    private bool TryEndAttempt(long id, int number, out PendingCall pending, out RunningAttempt attempt)
    {
        attempt = null!;
        if (!_state.Running.TryGetValue(id, out pending!) || pending.TakeAttempt(number) is not { } taken) return false;
        if (pending.InFlight.Count == 0) _state.Running.Remove(id);
        taken.Ended();
        attempt = taken;
        return true;
    }

    /// <summary>No attempt of the call answered: retried after a backoff if <paramref name="failure"/> allows, else the fallback chain.</summary>
    private void Decide(PendingCall pending, PostAttempt failure) => Decide(pending, failure.Judged, failure.Step == NextStep.Retry);

    /// <summary>A failed try: retried if it may be, else the fallback chain; a call whose caller cancelled meanwhile is answered so.</summary>
    private void Decide(PendingCall pending, Judgement failure, bool retry)
    {
        if (pending.CallerCancelled)
        {
            AnswerGaveUp(pending, CallPhase.Running);
            return;
        }
        var detail = failure.Detail!;
        if (!(retry && TryScheduleRetry(pending, ref detail)))
            _replies.Degrade(pending, failure.Reason, failure.Error, detail);
    }

    public void OnQueueWaitEnded(QueueWaitEnded ended)
    {
        var pending = ended.Pending;
        if (!Bulkhead.RemoveQueued(pending)) return;
        if (pending.Deadline is { } deadline && deadline <= _handle.Time.GetUtcNow())
            _replies.AnswerAll(pending, CallOutcome.Rejected, DegradationReason.DeadlineExceeded,
                $"The deadline of the call to '{Name}' passed while it waited for a slot; it never ran.");
        else
            _replies.Degrade(pending, DegradationReason.Timeout, null,
                $"The call to '{Name}' waited {pending.Timeout.TotalMilliseconds:0} ms (its timeout) for a slot; it never ran.");
    }

    public static TimeSpan NotNegative(TimeSpan t) => t > TimeSpan.Zero ? t : TimeSpan.Zero;
}
