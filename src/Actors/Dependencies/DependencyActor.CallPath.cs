using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Bulkhead;
using Orchestrator.Actors.Caching;
using Orchestrator.Actors.Retry;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>The way of a call: arrival, cache, single flight, breaker, bulkhead, run, timeout, retry.</summary>
public sealed partial class DependencyActor
{
    /// <summary>Takes in a call; <paramref name="entered"/> says whether it holds a place in the gate, <paramref name="holdsAdmission"/> in the load shedder.</summary>
    private void TakeIn(GuardedCall call, bool entered, bool holdsAdmission)
    {
        var now = _time.GetUtcNow();
        // The cache and single flight are keyed by the result type and the call's key, so calls that ask
        // different questions of one dependency only share an answer if they also share a key and a type.
        var key = _state.Cache is not null && call.Key is { } k ? $"{call.ResultType.FullName}\u001f{k}" : null;
        var pending = new PendingCall(_state.NextId++, call, call.ReplyTo ?? Sender, now, call.Timeout ?? _options.Timeout)
        {
            Entered = entered,
            HoldsAdmission = holdsAdmission,
            CacheKey = key,
        };

        if (!entered)
        {
            OrchestratorMetrics.BulkheadRejected(_name);
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

        if (!_controls.Board.Current.Allows(call.Tier, call.Feature))
        {
            var why = call.Feature is { } feature
                ? $"The feature '{feature}' is switched off."
                : $"{call.Tier} calls are switched off while the node is {_controls.Board.Current.Level}.";
            Degrade(pending, DegradationReason.FeatureDisabled, null, why);
            return;
        }

        if (key is not null)
        {
            if (ServedFromCache(pending, key)) return;
            if (_state.Flights.TryGetValue(key, out var leader))
            {
                // Single flight: the fetch in flight for this key answers this call too.
                pending.Phase = CallPhase.Following;
                (leader.Followers ??= []).Add(pending);
                if (call.Deadline is { } own)
                    Timers.StartSingleTimer(new FollowerTimerKey(pending.Id), new FollowerDeadline(pending), NotNegative(own - now));
                return;
            }
            _state.Flights[key] = pending;
        }
        Admit(pending);
    }

    /// <summary>A fresh entry answers at once; a stale one too (and is refreshed in the background) with stale-while-revalidate.</summary>
    private bool ServedFromCache(PendingCall pending, string key)
    {
        var lookup = _state.Cache!.Get(key);
        if (lookup.Hit == CacheHit.Fresh)
        {
            _state.CacheHits++;
            Answer(pending, new CallReport(CallOutcome.Succeeded, lookup.Value, DegradationReason.None, null, null, null, TimeSpan.Zero, 0)
            {
                Freshness = ValueFreshness.Cached,
                Age = lookup.Age,
            });
            return true;
        }
        if (lookup.Hit == CacheHit.Stale && _options.Cache.StaleWhileRevalidate)
        {
            _state.StaleServed++;
            Answer(pending, new CallReport(CallOutcome.Succeeded, lookup.Value, DegradationReason.None, null, null,
                $"Served from the cache of '{_name}', {lookup.Age.TotalSeconds:0.#} s old, while it is refreshed.", TimeSpan.Zero, 0)
            {
                Freshness = ValueFreshness.Stale,
                Age = lookup.Age,
            });
            Revalidate(pending, key);
            return true;
        }
        _state.CacheMisses++;
        return false;
    }

    /// <summary>Refreshes a stale key once: no other fetch for it may be in flight, and the breaker and bulkhead must let it through.</summary>
    private void Revalidate(PendingCall trigger, string key)
    {
        if (_state.Flights.ContainsKey(key) || !Breaker.IsCallPermitted) return;
        var call = trigger.Call with { Deadline = null, ReplyTo = null };
        var refresh = new PendingCall(_state.NextId++, call, ActorRefs.Nobody, _time.GetUtcNow(), _options.Timeout)
        {
            CacheKey = key,
            IsRefresh = true,
        };
        _state.Flights[key] = refresh;
        Admit(refresh);
    }

    /// <summary>The breaker, then the bulkhead: run now, wait in the queue, or degrade.</summary>
    private void Admit(PendingCall pending)
    {
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
                pending.Phase = CallPhase.Queued;
                pending.EnqueuedAt = _time.GetUtcNow();
                Timers.StartSingleTimer(new QueueTimerKey(pending.Id), new QueueWaitEnded(pending), NotNegative(pending.QueueDeadline - pending.EnqueuedAt));
                break;
            default:
                // Only calls beyond the bulkhead come here: single-flight waiters widen the gate, not the queue.
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
            AnswerAll(pending, pending.Attempts == 0 ? CallOutcome.Rejected : CallOutcome.Failed, DegradationReason.DeadlineExceeded,
                $"The deadline of the call to '{_name}' passed before it could start.");
            return;
        }

        if (pending.Attempts == 0 && !pending.IsRefresh) _state.Budget.RecordAttempt();
        pending.Phase = CallPhase.Running;
        pending.Permit = permit;
        pending.ProbeRound = Breaker.HalfOpenRound;
        pending.Attempts++;
        pending.StartedAt = now;
        pending.AttemptEndsAtDeadline = left < pending.Timeout;
        pending.AttemptTimeout = pending.AttemptEndsAtDeadline ? left : pending.Timeout;
        pending.Cancellation = new CancellationTokenSource();
        _state.Running[pending.Id] = pending;
        Timers.StartSingleTimer(new AttemptTimerKey(pending.Id), new AttemptTimedOut(pending.Id, pending.Attempts), pending.AttemptTimeout);

        var id = pending.Id;
        var attempt = pending.Attempts;
        var call = pending.Call;
        var token = pending.Cancellation.Token;
        Task.Factory
            .StartNew(() => Execute(id, attempt, call, token), CancellationToken.None, TaskCreationOptions.DenyChildAttach,
                _state.Threads ?? TaskScheduler.Default)
            .Unwrap()
            .PipeTo(Self);
    }

    private static async Task<WorkFinished> Execute(long id, int attempt, GuardedCall call, CancellationToken token)
    {
        try
        {
            // Work queued behind busy threads may start after its attempt timed out: do not start it then.
            token.ThrowIfCancellationRequested();
            GuardedCallContext.Enter(call.Deadline); // nested guarded calls inherit the deadline
            return new WorkFinished(id, attempt, await call.InvokeAsync(token).ConfigureAwait(false), null);
        }
        catch (Exception e)
        {
            return new WorkFinished(id, attempt, null, e);
        }
    }

    private void OnWorkFinished(WorkFinished finished)
    {
        // Not running any more (it timed out and was answered or retried): its late outcome is dropped.
        if (!_state.Running.TryGetValue(finished.Id, out var pending) || pending.Attempts != finished.Attempt) return;
        _state.Running.Remove(finished.Id);

        Timers.Cancel(new AttemptTimerKey(pending.Id));
        pending.Cancellation?.Dispose();
        Bulkhead.Release();
        var now = _time.GetUtcNow();
        var duration = now - pending.StartedAt;

        if (finished.Error is not null && pending.AttemptEndsAtDeadline && pending.Deadline is { } deadline && now >= deadline)
        {
            // The failure came as the caller's deadline cut the work (a timer fires a little late): like a cut by
            // the deadline, it says nothing about the dependency and is not counted against it.
            if (pending.Permit == BreakerPermit.Probe) Breaker.ReleaseProbe(pending.ProbeRound);
            AnswerAll(pending, CallOutcome.Failed, DegradationReason.DeadlineExceeded,
                $"The deadline of the call to '{_name}' passed while it ran; it ended with {finished.Error.GetType().Name}.", finished.Error);
        }
        else if (finished.Error is null)
        {
            Breaker.RecordSuccess(duration, pending.Permit, pending.ProbeRound);
            Succeed(pending, finished.Value);
        }
        else if (Safely(() => _options.Breaker.Handles(finished.Error), whenItThrows: true, "Breaker.ShouldHandle"))
        {
            Breaker.RecordFailure(duration, pending.Permit, pending.ProbeRound);
            var detail = $"The call to '{_name}' failed: {finished.Error.GetType().Name}: {finished.Error.Message}";
            if (!TryScheduleRetry(pending, finished.Error, ref detail))
                Degrade(pending, DegradationReason.Error, finished.Error, detail);
        }
        else
        {
            // An exception the breaker ignores is the caller's problem, not the dependency's: no fallback, no retry,
            // and nothing recorded (a probe is handed back for another call to try).
            if (pending.Permit == BreakerPermit.Probe) Breaker.ReleaseProbe(pending.ProbeRound);
            AnswerAll(pending, CallOutcome.Failed, DegradationReason.Error,
                $"The call to '{_name}' failed with {finished.Error.GetType().Name}, which does not count against the dependency: {finished.Error.Message}",
                finished.Error);
        }
        Drain();
    }

    private void OnAttemptTimedOut(AttemptTimedOut timedOut)
    {
        if (!_state.Running.TryGetValue(timedOut.Id, out var pending) || pending.Attempts != timedOut.Attempt) return;
        _state.Running.Remove(timedOut.Id);

        // Cancel without running the work's cancellation callbacks on this thread.
        _ = pending.Cancellation?.CancelAsync();
        Bulkhead.Release();
        _stats.CountTimeout();
        // An attempt cut short by its caller's deadline says nothing about the dependency: no failure is counted.
        if (!pending.AttemptEndsAtDeadline) Breaker.RecordFailure(pending.AttemptTimeout, pending.Permit, pending.ProbeRound);
        else if (pending.Permit == BreakerPermit.Probe) Breaker.ReleaseProbe(pending.ProbeRound);

        var ms = pending.AttemptTimeout.TotalMilliseconds;
        if (pending.AttemptEndsAtDeadline)
        {
            AnswerAll(pending, CallOutcome.Failed, DegradationReason.DeadlineExceeded,
                $"The deadline of the call to '{_name}' passed while it ran ({ms:0} ms); the work was cancelled.",
                new TimeoutException($"The deadline of the call to '{_name}' passed after {ms:0} ms of work; the work was cancelled."));
        }
        else
        {
            var error = new TimeoutException($"The call to '{_name}' timed out after {ms:0} ms.");
            var detail = $"The call to '{_name}' timed out after {ms:0} ms; the work was cancelled.";
            if (!TryScheduleRetry(pending, error, ref detail))
                Degrade(pending, DegradationReason.Timeout, error, detail);
        }
        Drain();
    }

    private void OnQueueWaitEnded(QueueWaitEnded ended)
    {
        var pending = ended.Pending;
        if (!Bulkhead.RemoveQueued(pending)) return;

        if (pending.Deadline is { } deadline && deadline <= _time.GetUtcNow())
            AnswerAll(pending, CallOutcome.Rejected, DegradationReason.DeadlineExceeded,
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

    // ---- retries --------------------------------------------------------------------------------------------

    /// <summary>
    /// Schedules another attempt after a backoff with full jitter, if the failure is transient, attempts are left,
    /// the breaker lets calls through, the deadline leaves time for the delay, and the retry budget allows it.
    /// When only the budget says no, <paramref name="detail"/> says so.
    /// </summary>
    private bool TryScheduleRetry(PendingCall pending, Exception error, ref string detail)
    {
        var retry = _options.Retry;
        if (pending.IsRefresh || pending.Attempts >= retry.MaxAttempts || !Breaker.IsCallPermitted
            || !Safely(() => IsRetryable(error), whenItThrows: false, "Retry.ShouldRetry"))
            return false;

        var now = _time.GetUtcNow();
        var delay = Backoff.FullJitter(pending.Attempts, retry.BaseDelay, retry.MaxDelay, _random());
        if (pending.Deadline is { } deadline && now + delay >= deadline) return false;
        if (!_state.Budget.TryWithdraw())
        {
            _state.RetriesDenied++;
            detail += $" Not retried: the retry budget of '{_name}' is spent.";
            pending.Trail.Add(new ChainStep("retry", DegradationReason.RetryBudgetExhausted,
                $"The retry budget of '{_name}' allows no more retries now."));
            return false;
        }

        _state.Retries++;
        pending.Phase = CallPhase.BackingOff;
        pending.RetryAt = now + delay;
        _state.BackingOff[pending.Id] = pending;
        Timers.StartSingleTimer(new RetryTimerKey(pending.Id), new RetryDue(pending), delay);
        return true;
    }

    private bool IsRetryable(Exception error)
    {
        var retry = _options.Retry;
        if (retry.ShouldRetry is { } shouldRetry) return shouldRetry(error);
        if (TransientFailures.IsTransient(error)) return true;
        for (var t = error.GetType(); t is not null; t = t.BaseType)
            if (retry.RetryOn.Contains(t.FullName ?? t.Name) || retry.RetryOn.Contains(t.Name)) return true;
        return false;
    }

    /// <summary>Runs a user predicate on the actor's thread without letting it crash the actor.</summary>
    private bool Safely(Func<bool> predicate, bool whenItThrows, string setting)
    {
        try
        {
            return predicate();
        }
        catch (Exception e)
        {
            _log.Warning("{Setting} of {Dependency} threw {Error}; taken as {Answer}", setting, _name, e.Message, whenItThrows);
            return whenItThrows;
        }
    }

    private void OnFollowerDeadline(FollowerDeadline m)
    {
        var follower = m.Follower;
        if (follower.Phase != CallPhase.Following || follower.CacheKey is not { } key || !_state.Flights.TryGetValue(key, out var leader)) return;
        if (leader.Followers?.Remove(follower) != true) return;
        Answer(follower, CallOutcome.Rejected, null, DegradationReason.DeadlineExceeded, null, null,
            $"The deadline of the call to '{_name}' passed while it waited on the fetch of the same key.");
    }

    private void OnRetryDue(RetryDue due)
    {
        var pending = due.Pending;
        if (!_state.BackingOff.Remove(pending.Id)) return;
        pending.Phase = CallPhase.New;
        Admit(pending);
    }
}
