using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Hedging;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// Hedged calls (<see cref="HedgingOptions"/>): while a call's attempt runs longer than the hedge delay, another
/// attempt starts beside it, on the dependency (its own running place, breaker permit and rate
/// limit permit) or on the replica (a call of the replica, guarded by the replica's own breaker and bulkhead), paid
/// from the retry budget; a hedge that cannot have all of these is not made. The first answer wins and the others are
/// cancelled (each attempt has its own token, linked to the caller's). Hedges answer slowness, retries failures: a
/// failed attempt starts no hedge; it decides (a retry after a backoff, or the fallback chain) once no other attempt
/// of the call runs. Hedges never jump the queue: while calls wait for a slot or for the rate
/// limit's permits, none starts.
/// </summary>
internal sealed partial class CallDesk
{
    /// <summary>
    /// A new attempt of <paramref name="pending"/> numbered <paramref name="number"/>: a hedged call's has a token source
    /// of its own, which its caller's token cancels too (a fetch for a cache key serves every call waiting on it: its
    /// caller giving up does not cancel it); a call not hedged uses its caller's token.
    /// </summary>
    private static RunningAttempt NewAttempt(PendingCall pending, int number, BreakerPermit permit, long round, bool isHedge, bool onReplica = false)
    {
        if (!IsHedged(pending)) return new RunningAttempt(number, permit, round, isHedge, onReplica);
        var source = new CancellationTokenSource();
        var link = pending.Cancellation.CanBeCanceled && pending.CacheKey is null
            ? pending.Cancellation.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), source)
            : default;
        return new RunningAttempt(number, permit, round, isHedge, onReplica) { Cancellation = source, CallerLink = link };
    }

    /// <summary>Whether the call is hedged (a background refresh never is: nobody waits for it).</summary>
    private static bool IsHedged(PendingCall pending) => pending.Options.Hedging.Enabled && !pending.IsRefresh;

    /// <summary>Sets the timer of the call's next hedge, if it has hedges left (else stops it).</summary>
    private void ScheduleHedge(PendingCall pending)
    {
        if (!IsHedged(pending) || pending.Hedges >= pending.Options.Hedging.MaxHedges)
        {
            StopHedgeTimer(pending);
            return;
        }
        var delay = HedgeDelay.For(pending.Options.Hedging, _state.Latencies);
        pending.NextHedgeAt = _handle.Time.GetUtcNow() + delay;
        _timers.StartSingleTimer(new HedgeTimerKey(pending.Id), new HedgeDue(pending, pending.Tries), delay);
    }

    private void StopHedgeTimer(PendingCall pending)
    {
        if (pending.NextHedgeAt is null) return;
        pending.NextHedgeAt = null;
        _timers.Cancel(new HedgeTimerKey(pending.Id));
    }

    /// <summary>The hedge delay passed and the call's attempts still run: start a hedge (and time the next one).</summary>
    public void OnHedgeDue(HedgeDue due)
    {
        var pending = due.Pending;
        if (pending.Phase != CallPhase.Running || pending.Tries != due.Try || pending.InFlight.Count == 0) return;
        pending.NextHedgeAt = null;
        TryHedge(pending);
        ScheduleHedge(pending);
    }

    /// <summary>
    /// An attempt of a hedged call failed (a failure of the dependency): no further hedge starts for this try (a hedge
    /// after a failure would be a retry without its backoff); while other attempts run, the call waits for them (the
    /// failure is kept: it decides if none answers). False when nothing runs any more: the failure decides now.
    /// </summary>
    private bool WaitsForOtherAttempts(PendingCall pending, PostAttempt failure)
    {
        if (!IsHedged(pending)) return false;
        StopHedgeTimer(pending);
        pending.LastFailure = failure;
        return pending.InFlight.Count > 0;
    }

    /// <summary>Starts one hedge of <paramref name="pending"/> if everything it needs is free now; false (nothing taken) otherwise.</summary>
    private bool TryHedge(PendingCall pending)
    {
        var hedging = pending.Options.Hedging;
        if (pending.Hedges >= hedging.MaxHedges || pending.Phase == CallPhase.Answered || pending.Cancellation.IsCancellationRequested) return false;
        if (pending.Deadline is { } deadline && deadline <= _handle.Time.GetUtcNow()) return false;
        if (!_state.Budget.HasRoom()) return Skipped("the retry budget is spent");

        if (hedging.Target == HedgeTarget.Replica && pending.Call.HasReplicaWork && pending.Options.Replica is { } replica
            && _handle.Directory?.Handles.TryGetValue(replica, out var replicaHandle) == true)
        {
            // The replica's own breaker turns calls away: a hedge there would only walk the replica's chain.
            if (replicaHandle.Breaker.Check(replicaHandle.Time) == BreakerCheck.Rejects || replicaHandle.Gate.IsClosed)
                return Skipped($"the breaker of the replica '{replica}' lets no calls through");
            _state.Budget.TryWithdraw();
            StartReplicaHedge(pending, replica, replicaHandle);
            return true;
        }

        // On the dependency: calls waiting for the rate limit's permits go first (and those in the queue: a place is
        // taken only while none waits); then the breaker's permit, a place, a permit.
        if (_handle.RateLimit is { Waiting: > 0 }) return Skipped("calls wait for the rate limit's permits");
        var permit = Breaker.TryAcquire(out var round);
        if (permit == BreakerPermit.Rejected) return Skipped("the breaker lets no more calls through");
        if (!_handle.Slots.TryTakeAhead())
        {
            if (permit == BreakerPermit.Probe) Breaker.ReleaseProbe(round);
            return Skipped("the bulkhead has no free place");
        }
        if (!TakeRatePermit())
        {
            Bulkhead.Release();
            if (permit == BreakerPermit.Probe) Breaker.ReleaseProbe(round);
            return Skipped("the rate limit has no permit");
        }
        _state.Budget.TryWithdraw(); // it had room above, on this thread: taken now that the hedge has everything else
        CountHedge(pending, Name);
        StartAttempt(pending, permit, round, isHedge: true);
        return true;
    }

    /// <summary>A hedge starts on <paramref name="target"/>: counted for the call, in the status and the metric, and on the call's span.</summary>
    private void CountHedge(PendingCall pending, string target)
    {
        pending.Hedges++;
        _state.HedgesStarted++;
        OrchestratorMetrics.Hedged(Name, "started");
        OrchestratorTracing.HedgeStarted(pending.Span, pending.LastNumber + 1, target);
    }

    private bool Skipped(string why)
    {
        _state.HedgesSkipped++;
        OrchestratorMetrics.Hedged(Name, "skipped");
        _log.Debug("Hedge of a call to {Dependency} not made: {Reason}", Name, why);
        return false;
    }

    /// <summary>
    /// Starts a hedge on the replica: the call's replica work asked of the replica's handle (its own pipeline, off the
    /// actor's thread, never on it), cancelled with the attempt's token; its answer comes back as <see cref="HedgeAnswered"/>.
    /// </summary>
    private void StartReplicaHedge(PendingCall pending, string replica, DependencyHandle replicaHandle)
    {
        CountHedge(pending, replica);
        pending.Attempts++;
        var number = ++pending.LastNumber;
        var attempt = NewAttempt(pending, number, BreakerPermit.Allowed, 0, isHedge: true, onReplica: true);
        pending.InFlight.Add(attempt);
        pending.Phase = CallPhase.Running;
        _state.Running[pending.Id] = pending;
        // The hedge gets what an attempt gets: until the call's deadline, or its timeout from now.
        var call = pending.Call.ForReplica(replica);
        if (pending.Deadline is null) call = call with { Deadline = _handle.Time.GetUtcNow() + pending.Timeout };
        var wait = replicaHandle.LongestAnswerTime(call, _handle.Time, DependencyHandle.Grace);
        var token = attempt.Cancellation!.Token;
        var id = pending.Id;
        Task.Run(() => replicaHandle.AskAsync(call, wait, token), CancellationToken.None)
            .PipeTo(_self, success: result => new HedgeAnswered(id, number, result, null), failure: e => new HedgeAnswered(id, number, null, e));
    }

    /// <summary>A hedge on the replica ended: its answer wins if the call is still open; a failure waits for the other attempts.</summary>
    public void OnHedgeAnswered(HedgeAnswered answered)
    {
        if (!TryEndAttempt(answered.Id, answered.Attempt, out var pending, out var attempt)) return;
        if (pending.Phase == CallPhase.Answered) return;
        var replica = answered.Result?.Dependency ?? pending.Options.Replica ?? "replica";
        if (answered.Result is { Outcome: CallOutcome.Succeeded } result)
        {
            Won(pending, attempt, replica);
            _replies.Succeed(pending, result.BoxedValue, fromReplica: true);
            Drain();
            return;
        }
        var why = answered.Result?.Detail ?? answered.Error?.Message;
        _log.Debug("Hedge of a call to {Dependency} on its replica {Replica} did not answer: {Detail}", Name, replica, why);
        // The chain does not ask the replica again: the trail says it was asked.
        pending.ReplicaHedgeFailed = true;
        pending.Trail.Add(new ChainStep($"hedge:{replica}", answered.Result?.Reason is { } reason and not DegradationReason.None ? reason : DegradationReason.Error, why));
        if (pending.InFlight.Count > 0) return;
        StopHedgeTimer(pending);
        if (!AnsweredForCaller(pending, replica))
        {
            // Every attempt on the dependency failed before it (an answer, or the caller's end, would have answered the call).
            Decide(pending, pending.LastFailure ?? new PostAttempt(NextStep.Degrade, new Judgement(OutcomeClass.Failure, DegradationReason.Unavailable,
                answered.Error, $"Neither '{Name}' nor the hedge on its replica '{replica}' answered the call: {why}")));
        }
        Drain();
    }

    /// <summary>
    /// The last attempt that ended was a replica's hedge cut short by the caller's cancellation or the deadline: the
    /// call is answered so, without retry or fallback, as an attempt on the dependency would be. False otherwise.
    /// </summary>
    private bool AnsweredForCaller(PendingCall pending, string replica)
    {
        if (pending.CacheKey is null && pending.Cancellation.IsCancellationRequested)
        {
            _replies.AnswerAll(pending, CallOutcome.Failed, DegradationReason.Cancelled,
                $"The caller cancelled the call to '{Name}' while its hedge on '{replica}' ran; the work was cancelled.");
            return true;
        }
        if (pending.Deadline is { } deadline && deadline <= _handle.Time.GetUtcNow())
        {
            _replies.AnswerAll(pending, CallOutcome.Failed, DegradationReason.DeadlineExceeded,
                $"The deadline of the call to '{Name}' passed while its hedge on '{replica}' ran.");
            return true;
        }
        return false;
    }

    /// <summary>An attempt answered: it wins, and the call's other attempts are cancelled (their ends give their places back).</summary>
    private void Won(PendingCall pending, RunningAttempt winner, string by)
    {
        StopHedgeTimer(pending);
        if (pending.Hedges == 0) return;
        pending.Winner = (winner.Number, by);
        if (winner.IsHedge)
        {
            _state.HedgesWon++;
            OrchestratorMetrics.Hedged(Name, "won");
        }
        CancelOthers(pending);
    }

    /// <summary>The call is answered without its primary answer (the caller's fault or cancellation, the deadline): its other attempts are cancelled.</summary>
    private void StopHedging(PendingCall pending)
    {
        StopHedgeTimer(pending);
        CancelOthers(pending);
    }

    /// <summary>Cancels the attempts still running; the work's cancellation callbacks run off the actor's thread.</summary>
    private static void CancelOthers(PendingCall pending)
    {
        foreach (var running in pending.InFlight) running.Cancel();
    }
}
