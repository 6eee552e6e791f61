using Akka.Actor;
using Akka.Event;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// Watches a dependency's bulkhead while it turns calls away: one warning when it starts rejecting, then a look
/// every <see cref="DependencyActor.RejectingCheckInterval"/>; a whole interval without a rejection logs that it
/// stopped, with how many it turned away. Used on the actor's thread only.
/// </summary>
internal sealed class RejectionWatch(DependencyHandle handle, DependencyState state, ITimerScheduler timers, ILoggingAdapter log)
{
    private const string TimerKey = "rejecting-check";

    /// <summary>The first rejection since the bulkhead last stopped rejecting.</summary>
    public void OnStarted(BulkheadRejectingStarted started)
    {
        state.RejectedWhenStarted = started.RejectedBefore;
        state.RejectedAtLastCheck = handle.Gate.RejectedTotal;
        log.Warning("Bulkhead of {Dependency} is full and started rejecting calls ({MaxConcurrency} may run, {QueueCapacity} may wait)",
            handle.Name, state.Bulkhead.MaxConcurrency, state.Bulkhead.QueueCapacity);
        Rearm();
    }

    /// <summary>A rejecting bulkhead that rejected nothing for a whole interval has stopped rejecting.</summary>
    public void OnCheck()
    {
        var gate = handle.Gate;
        var rejected = gate.RejectedTotal;
        if (rejected != state.RejectedAtLastCheck)
        {
            state.RejectedAtLastCheck = rejected;
            return;
        }
        timers.Cancel(TimerKey);
        gate.ClearRejectingReport();
        log.Info("Bulkhead of {Dependency} stopped rejecting calls after {Rejected} rejections", handle.Name, rejected - state.RejectedWhenStarted);
    }

    /// <summary>Looks again every interval while the bulkhead is reported rejecting (after a restart too).</summary>
    public void Rearm()
    {
        if (handle.Gate.RejectingReported) timers.StartPeriodicTimer(TimerKey, RejectingCheck.Instance, DependencyActor.RejectingCheckInterval);
    }
}
