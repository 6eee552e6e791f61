using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Caching;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>Answers: success (shared with single-flight followers), and the fallback chain when the primary fails.</summary>
public sealed partial class DependencyActor
{
    /// <summary>The dependency answered: cache it, and answer the call and every call waiting on the same fetch.</summary>
    private void Succeed(PendingCall pending, object? value)
    {
        if (pending.CacheKey is { } key) _state.Cache!.Set(key, value);
        var report = new CallReport(CallOutcome.Succeeded, value, DegradationReason.None, null, null, null, TimeSpan.Zero, 0);
        foreach (var follower in ReleaseFlight(pending))
        {
            follower.Attempts = pending.Attempts;
            Answer(follower, report);
        }
        Answer(pending, report);
    }

    /// <summary>Ends a flight: the leader no longer stands for its key; returns the calls that waited on it.</summary>
    private List<PendingCall> ReleaseFlight(PendingCall leader)
    {
        if (leader.CacheKey is { } key && _state.Flights.TryGetValue(key, out var current) && ReferenceEquals(current, leader))
            _state.Flights.Remove(key);
        var followers = leader.Followers ?? [];
        leader.Followers = null;
        return followers;
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
                Degrade(follower, DegradationReason.Timeout, error,
                    $"The shared fetch of '{_name}' for this key was cut short by the deadline of the call that led it.");
            else
                Answer(follower, outcome, null, reason, null, error, detail);
        }
        Answer(pending, outcome, null, reason, null, error, detail);
    }

    /// <summary>
    /// The primary answer is missing. Each waiting call walks its own fallback chain: stale cache, replica, the
    /// call's fallback, the dependency's default; else a rejection (never ran) or a failure (ran). Past the
    /// deadline there is no chain: the answer would be useless.
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
            pending.Phase = CallPhase.Answered;
            _log.Debug("Background refresh of {Dependency} key {Key} failed: {Detail}", _name, pending.CacheKey, detail);
            return;
        }

        pending.Reason = reason;
        pending.Error = error;
        pending.Detail = detail;
        pending.Trail.Add(new ChainStep("primary", reason, detail));
        ContinueChain(pending, reason == DegradationReason.DeadlineExceeded ? ChainPosition.End : ChainPosition.StaleCache);
    }

    private void ContinueChain(PendingCall pending, ChainPosition from)
    {
        for (var step = from; ; step++)
        {
            switch (step)
            {
                case ChainPosition.StaleCache when pending.CacheKey is { } key && _options.Cache.StaleOnError:
                    var lookup = _state.Cache!.Get(key);
                    if (lookup.Hit != CacheHit.Miss)
                    {
                        _state.StaleServed++;
                        Answer(pending, new CallReport(CallOutcome.Fallback, lookup.Value, pending.Reason, FallbackSource.StaleCache,
                            pending.Error, pending.Detail, TimeSpan.Zero, 0)
                        {
                            Freshness = lookup.Hit == CacheHit.Fresh ? ValueFreshness.Cached : ValueFreshness.Stale,
                            Age = lookup.Age,
                        });
                        return;
                    }
                    pending.Trail.Add(new ChainStep("stale-cache", DegradationReason.Unavailable, $"Nothing is cached for key '{pending.Call.Key}'."));
                    break;

                case ChainPosition.Replica when _options.Replica is { } replica:
                    if (TryAskReplica(pending, replica)) return;
                    break;

                case ChainPosition.CallFallback when pending.Call.HasFallback:
                    pending.Phase = CallPhase.Degrading;
                    _state.Degrading[pending.Id] = pending;
                    var left = pending.Deadline is { } d ? d - _time.GetUtcNow() : pending.Timeout;
                    Degradation.RunCallFallbackAsync(pending.Call, pending.Reason, pending.Error, pending.Detail!, pending.Attempts, left)
                        .PipeTo(Self, success: report => new Degraded(pending, report),
                            failure: e => new Degraded(pending, new CallReport(CallOutcome.Failed, null, pending.Reason, null, e,
                                $"{pending.Detail} Its fallback failed too: {e.Message}", TimeSpan.Zero, 0)));
                    return;

                case ChainPosition.DependencyDefault when _options.DefaultFallback is { } value && pending.Call.ResultType.IsInstanceOfType(value):
                    Answer(pending, CallOutcome.Fallback, value, pending.Reason, FallbackSource.DependencyDefault, pending.Error, pending.Detail);
                    return;

                case ChainPosition.End:
                    Answer(pending, pending.Attempts == 0 ? CallOutcome.Rejected : CallOutcome.Failed, null, pending.Reason, null,
                        pending.Error, pending.Detail);
                    return;
            }
        }
    }

    /// <summary>Sends the call's replica work to the replica dependency, guarded by its own breaker and bulkhead.</summary>
    private bool TryAskReplica(PendingCall pending, string replica)
    {
        var step = $"replica:{replica}";
        if (!pending.Call.HasReplicaWork)
        {
            pending.Trail.Add(new ChainStep(step, DegradationReason.Unavailable, "The call carries no replica work."));
            return false;
        }
        if (_state.Directory is null || !_state.Directory.Handles.TryGetValue(replica, out var handle))
        {
            pending.Trail.Add(new ChainStep(step, DegradationReason.Unavailable, $"The replica '{replica}' is not reachable from here."));
            return false;
        }

        pending.Phase = CallPhase.Degrading;
        _state.Degrading[pending.Id] = pending;
        var wait = (pending.Deadline is { } d ? NotNegative(d - _time.GetUtcNow()) : handle.Options.Timeout * 2) + TimeSpan.FromSeconds(5);
        handle.AskAsync(pending.Call.ForReplica(replica), wait)
            .PipeTo(Self, success: r => new ReplicaAnswered(pending, r, null), failure: e => new ReplicaAnswered(pending, null, e));
        return true;
    }

    private void OnReplicaAnswered(ReplicaAnswered answered)
    {
        var pending = answered.Pending;
        if (!_state.Degrading.Remove(pending.Id)) return;
        var replica = _options.Replica!;
        if (answered.Result is { Outcome: CallOutcome.Succeeded or CallOutcome.Fallback } result)
        {
            Answer(pending, new CallReport(CallOutcome.Fallback, result.BoxedValue, pending.Reason, FallbackSource.Replica,
                pending.Error, $"{pending.Detail} Answered by the replica '{replica}'; the data may be stale.", TimeSpan.Zero, 0)
            {
                Freshness = ValueFreshness.PossiblyStale,
                Age = result.Age,
            });
            return;
        }
        pending.Trail.Add(answered.Result is { } failed
            ? new ChainStep($"replica:{replica}", failed.Reason, failed.Detail)
            : new ChainStep($"replica:{replica}", DegradationReason.ActorFailure, answered.Error?.Message));
        ContinueChain(pending, ChainPosition.CallFallback);
    }

    private void OnDegraded(Degraded degraded)
    {
        if (_state.Degrading.Remove(degraded.Pending.Id)) Answer(degraded.Pending, degraded.Report);
    }

    private void Answer(PendingCall pending, CallOutcome outcome, object? value, DegradationReason reason,
        FallbackSource? source, Exception? error, string? detail) =>
        Answer(pending, new CallReport(outcome, value, reason, source, error, detail, TimeSpan.Zero, 0));

    /// <summary>The one answer of a call: released from the gate, told to its caller, counted.</summary>
    private void Answer(PendingCall pending, CallReport report)
    {
        if (pending.Phase == CallPhase.Answered) return;
        pending.Phase = CallPhase.Answered;
        if (pending.Deadline is not null) Timers.Cancel(new FollowerTimerKey(pending.Id));
        _state.Degrading.Remove(pending.Id);
        var elapsed = _time.GetUtcNow() - pending.Arrival;
        if (pending.Entered)
        {
            pending.Entered = false;
            _gate.Exit();
        }
        if (pending.HoldsAdmission)
        {
            pending.HoldsAdmission = false;
            _controls.Admission?.Release(elapsed, report.Outcome == CallOutcome.Succeeded);
        }
        if (pending.IsRefresh) return;

        pending.ReplyTo.Tell(pending.Call.ToResult(report with { Elapsed = elapsed, Attempts = pending.Attempts, Trail = pending.Trail.ToArray() }));
        _stats.Count(report.Outcome, elapsed, report.Reason);
        OrchestratorMetrics.CallAnswered(_name, report.Outcome, report.Reason, elapsed);
    }

    private string BulkheadFullDetail() =>
        $"The bulkhead of '{_name}' is full: {Bulkhead.MaxConcurrency} calls may run and {Bulkhead.QueueCapacity} may wait.";

    private string ClusterEvidence() =>
        _state.LastView is { OpenedOn.Count: > 0 } view ? $"opened on {string.Join(", ", view.OpenedOn)}" : "no node with evidence left";

    private string BreakerOpenDetail() => Breaker.State switch
    {
        BreakerState.Isolated => $"The circuit breaker of '{_name}' is isolated by hand.",
        BreakerState.HalfOpen => $"The circuit breaker of '{_name}' is half-open and its probes are taken.",
        BreakerState.Open when Breaker.FollowsCluster =>
            $"The circuit breaker of '{_name}' is open on the cluster's evidence ({ClusterEvidence()}); {_state.LastView?.Prober ?? "another node"} probes the dependency.",
        _ => $"The circuit breaker of '{_name}' is open until {Breaker.OpenUntil:O}.",
    };
}
