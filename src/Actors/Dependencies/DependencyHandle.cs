using Akka.Actor;
using Orchestrator.Actors.Bulkhead;
using Orchestrator.Actors.Coordination;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// A sender's handle on one dependency: its actor, and the caller-side half of its bulkhead. Calls sent through
/// a handle enter the <see cref="BulkheadGate"/> first; when the dependency already has as many calls as its slots
/// and queue can hold, the call is answered on the sender's side at once (fallback or <c>BulkheadFull</c>) and
/// never reaches the actor's mailbox. Likewise, while the breaker its actor published is open (within its first
/// reset timeout) or isolated, a call that only its own fallback or the dependency default could answer is
/// answered here with <c>BreakerOpen</c>. Thread-safe; get one from <see cref="DependencyDirectory"/>.
/// </summary>
public sealed class DependencyHandle
{
    private readonly TimeProvider _time;
    private readonly NodeControls _controls;
    private volatile string? _stoppedReason;

    internal DependencyHandle(string name, IActorRef actor, DependencyOptions options, BulkheadGate gate, DependencyStats stats, TimeProvider time,
        NodeControls controls)
    {
        _controls = controls;
        Name = name;
        Actor = actor;
        Options = options;
        Gate = gate;
        Stats = stats;
        _time = time;
        stats.Clock = time; // the actor's clock too: openings are stamped with the breaker's own time
    }

    /// <summary>The dependency's name.</summary>
    public string Name { get; }

    /// <summary>The dependency's actor.</summary>
    public IActorRef Actor { get; }

    /// <summary>The dependency's options.</summary>
    public DependencyOptions Options { get; }

    /// <summary>The caller-side half of the dependency's bulkhead.</summary>
    public BulkheadGate Gate { get; }

    /// <summary>How the dependency's calls ended.</summary>
    public DependencyStats Stats { get; }

    /// <summary>Sends <paramref name="call"/>; the result goes to its <c>ReplyTo</c>, else to <paramref name="sender"/>.</summary>
    public void Tell(GuardedCall call, IActorRef sender)
    {
        ArgumentNullException.ThrowIfNull(call);
        var turnedAway = Admit(call);
        if (turnedAway is null)
        {
            Actor.Tell(new AdmittedCall(call, _controls.Admission is not null), sender);
            return;
        }
        var replyTo = call.ReplyTo ?? sender;
        var answer = AnswerWithoutActor(call, turnedAway.Value);
        if (answer.IsCompletedSuccessfully) replyTo.Tell(answer.Result);
        else answer.PipeTo(replyTo); // AnswerWithoutActor never faults: a failing fallback is a Failed result
    }

    /// <summary>Sends <paramref name="call"/> and waits at most <paramref name="timeout"/> for its result.</summary>
    public async Task<ICallResult> AskAsync(GuardedCall call, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (Admit(call) is { } turnedAway) return await AnswerWithoutActor(call, turnedAway).ConfigureAwait(false);
        return await Actor.Ask<ICallResult>(new AdmittedCall(call, _controls.Admission is not null), timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The node's load shedder, then the dependency's gate: null when the call may go to the actor, else why not.</summary>
    private DegradationReason? Admit(GuardedCall call)
    {
        if (BreakerRejectsHere(call)) return DegradationReason.BreakerOpen;
        if (_controls.Admission is { } admission && !admission.TryAdmit(call.Tier))
        {
            OrchestratorMetrics.CallShed(Name, call.Tier);
            return DegradationReason.Shed;
        }
        if (Gate.TryEnter()) return null;
        _controls.Admission?.Release(TimeSpan.Zero, succeeded: true);
        return Gate.IsClosed ? DegradationReason.ActorFailure : DegradationReason.BulkheadFull;
    }

    /// <summary>
    /// Whether the actor would answer <paramref name="call"/> <c>BreakerOpen</c> with nothing but the call's fallback
    /// or the dependency default, so that the sender can do it without a message. Not when anything before or
    /// beside the breaker could answer otherwise: a passed deadline, a tier or feature switched off, the cache (a
    /// fresh hit answers even with the breaker open), or a replica. An open breaker counts only until its first
    /// reset timeout has elapsed since it opened: from then on (a longer, grown open period included) calls go to
    /// the actor, which moves the breaker to half-open and hands out the probes.
    /// </summary>
    private bool BreakerRejectsHere(GuardedCall call)
    {
        var state = Stats.Breaker;
        if (state is not (BreakerState.Open or BreakerState.Isolated)) return false;
        if ((Options.Cache.Enabled && call.Key is not null) || (Options.Replica is not null && call.HasReplicaWork)) return false;
        var now = _time.GetUtcNow();
        if (call.Deadline is { } deadline && deadline <= now) return false;
        if (!_controls.Board.Current.Allows(call.Tier, call.Feature)) return false;
        return state == BreakerState.Isolated || (Stats.BreakerOpenedAt is { } openedAt && now < openedAt + Options.Breaker.ResetTimeout);
    }

    /// <summary>Says why the actor stopped for good (its gate is closed): calls are answered at once with <see cref="DegradationReason.ActorFailure"/>.</summary>
    internal void MarkStopped(string reason)
    {
        _stoppedReason = reason;
        Gate.Close();
    }

    /// <summary>
    /// The longest the dependency can take to answer <paramref name="call"/>: until its deadline, or the queue wait,
    /// every attempt with its largest backoff, and the fallback chain (replica and call fallback); plus a grace.
    /// </summary>
    public TimeSpan LongestAnswerTime(GuardedCall call, TimeProvider time, TimeSpan grace)
    {
        if (call.Deadline is { } deadline)
        {
            var left = deadline - time.GetUtcNow();
            return (left > TimeSpan.Zero ? left : TimeSpan.Zero) + grace;
        }
        var timeout = call.Timeout ?? Options.Timeout;
        var retry = Options.Retry;
        var total = timeout; // waiting in the queue
        for (var attempt = 1; attempt <= retry.MaxAttempts; attempt++)
        {
            total += timeout;
            if (attempt < retry.MaxAttempts) total += Retry.Backoff.Ceiling(attempt, retry.BaseDelay, retry.MaxDelay) + timeout; // a retry may queue too
        }
        if (Options.Replica is not null) total += timeout * 2;
        if (call.HasFallback) total += timeout;
        return total + grace;
    }

    private async Task<ICallResult> AnswerWithoutActor(GuardedCall call, DegradationReason reason)
    {
        var started = _time.GetTimestamp();
        CallReport report;
        if (reason == DegradationReason.ActorFailure)
        {
            report = new CallReport(CallOutcome.Rejected, null, DegradationReason.ActorFailure, null, null,
                _stoppedReason ?? $"The actor of '{Name}' has stopped.", TimeSpan.Zero, 0);
        }
        else
        {
            string detail;
            if (reason == DegradationReason.BreakerOpen)
            {
                detail = Stats.Breaker == BreakerState.Isolated
                    ? $"The circuit breaker of '{Name}' is isolated by hand."
                    : $"The circuit breaker of '{Name}' is open since {Stats.BreakerOpenedAt:O}.";
            }
            else if (reason == DegradationReason.Shed)
            {
                var admission = _controls.Admission!;
                detail = $"The node sheds {call.Tier} calls: {admission.InFlight} calls in flight, {call.Tier} may use {admission.CapFor(call.Tier)} of {admission.Limit}.";
            }
            else
            {
                OrchestratorMetrics.BulkheadRejected(Name);
                if (Gate.TryReportRejecting()) Actor.Tell(BulkheadRejectingStarted.Instance);
                detail = $"The bulkhead of '{Name}' is full: {Gate.Capacity} calls admitted ({Options.Bulkhead.MaxConcurrency} may run, {Options.Bulkhead.QueueCapacity} may wait).";
            }
            report = call.HasFallback
                ? await Degradation.RunCallFallbackAsync(call, reason, null, detail, 0, call.Timeout ?? Options.Timeout).ConfigureAwait(false)
                : Degradation.WithoutCallFallback(call, Options.DefaultFallback, reason, null, detail, 0);
        }
        var elapsed = _time.GetElapsedTime(started);
        Stats.Count(report.Outcome, elapsed, report.Reason);
        OrchestratorMetrics.CallAnswered(Name, report.Outcome, report.Reason, elapsed);
        return call.ToResult(report with { Elapsed = elapsed });
    }
}
