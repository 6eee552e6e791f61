using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The dependency's own health probe (<c>DependencyOptions.Probe</c>), run by its actor while the breaker is
/// half-open, so that recovery needs no callers' traffic. It takes a half-open probe like any call (on the breaker's
/// board, shared with callers), runs off the actor's thread with its own timeout, and comes back as
/// <see cref="ProbeEnded"/>: a success counts as a successful probe, anything else as a failed one. Runs one at a
/// time; while probes are left in the round (<c>HalfOpenProbes</c> above 1) the next starts when one succeeds. The
/// breaker is half-open only where this node probes (alone, or chosen by the cluster): a node that follows the
/// cluster never gets here. Used on the actor's thread only.
/// </summary>
internal sealed class ActiveProbe(DependencyHandle handle, DependencyState state, IActorRef self, ITimerScheduler timers, ILoggingAdapter log)
{
    private const string RecheckTimerKey = "probe-recheck";

    private CircuitBreaker Breaker => state.Breaker;

    /// <summary>Starts a run if the dependency has a probe, the breaker is half-open, none runs, and a probe is left in the round.</summary>
    public void OnDue()
    {
        if (handle.Options.Probe is not { } probe || state.ProbeRunning) return;
        Breaker.Refresh();
        if (Breaker.State != BreakerState.HalfOpen) return;
        if (Breaker.TryAcquire(out var round) != BreakerPermit.Probe)
        {
            // Callers took this round's probes. One may be handed back without a verdict (its caller's deadline
            // passed, ...): look again after a probe's time, so that recovery never waits on traffic that stopped.
            timers.StartSingleTimer(RecheckTimerKey, ProbeDue.Instance, handle.Options.EffectiveProbeTimeout);
            return;
        }
        state.ProbeRunning = true;
        AttemptRunner.RunAsync<object?>(handle.Name, handle.WorkOf<object?>(async ct =>
                {
                    await probe(ct).ConfigureAwait(false);
                    return null;
                }), deadline: null, handle.Options.EffectiveProbeTimeout, handle.Time, handle.Pool, TaskScheduler.Default, handle.Time.GetTimestamp())
            .AsTask()
            .PipeTo(self, success: outcome => new ProbeEnded(round, outcome));
    }

    /// <summary>A run ended: its outcome goes to the breaker (a run from an earlier round counts for nothing).</summary>
    public void OnEnded(ProbeEnded ended)
    {
        state.ProbeRunning = false;
        var outcome = ended.Outcome;
        var succeeded = outcome.End == AttemptEnd.Answered;
        var name = succeeded ? "succeeded" : outcome.End == AttemptEnd.TimedOut ? "timed-out" : "failed";
        OrchestratorMetrics.BreakerProbed(handle.Name, name);
        var ms = outcome.Duration.TotalMilliseconds;
        if (succeeded)
        {
            log.Info("Health probe of {Dependency}: {Outcome} in {DurationMs:0} ms", handle.Name, name, ms);
            Breaker.RecordSuccess(outcome.Duration, BreakerPermit.Probe, ended.Round);
        }
        else
        {
            log.Warning("Health probe of {Dependency}: {Outcome} in {DurationMs:0} ms: {Error}", handle.Name, name, ms, outcome.Error?.Message);
            Breaker.RecordFailure(outcome.Duration, BreakerPermit.Probe, ended.Round);
        }
        OnDue(); // more probes in this round (HalfOpenProbes above 1), or a new round already
    }
}
