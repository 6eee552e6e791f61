using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Chaos;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// A dependency actor's injected fault: published on its handle, where every path that runs the work reads it,
/// until its duration passes (a timer of the actor) or an operator clears it. Each change is logged and counted.
/// Used on the actor's thread only.
/// </summary>
internal sealed class FaultInjection(DependencyHandle handle, ITimerScheduler timers, ILoggingAdapter log)
{
    private const string TimerKey = "fault-expires";
    private static long _ids;

    private string Name => handle.Name;

    /// <summary>Injects <paramref name="fault"/> (replacing the one before, if any); the answer for the operator.</summary>
    public FaultCommandResult Inject(Fault fault)
    {
        var now = handle.Time.GetUtcNow();
        var duration = fault.Duration ?? TimeSpan.FromHours(1);
        var plan = new FaultPlan(Name, fault, Interlocked.Increment(ref _ids), now, now + duration, handle.Time);
        var replaced = handle.Fault;
        handle.Fault = plan;
        timers.StartSingleTimer(TimerKey, new FaultExpired(plan.Id), duration);
        OrchestratorMetrics.FaultChanged(Name, fault.Kind.ToString().ToLowerInvariant(), "injected");
        log.Warning("Fault injected into {Dependency}: {Fault} until {Until}{Replaced}", Name, fault.ToString(), plan.Until,
            replaced is null ? "" : $" (it replaces: {replaced.Fault})");
        return new FaultCommandResult(Name, plan.Status(), 1, null);
    }

    /// <summary>An operator cleared the fault; the answer for the operator.</summary>
    public FaultCommandResult Clear()
    {
        End("cleared", "cleared by an operator");
        return new FaultCommandResult(Name, null, 1, null);
    }

    /// <summary>The fault's duration passed (unless another replaced it meanwhile).</summary>
    public void OnExpired(FaultExpired expired)
    {
        if (handle.Fault?.Id == expired.Id) End("expired", "its duration passed");
    }

    /// <summary>Sets the expiry timer again (a restarted actor's timers are new).</summary>
    public void Rearm()
    {
        if (handle.Fault is { Until: { } until } fault)
            timers.StartSingleTimer(TimerKey, new FaultExpired(fault.Id), CallDesk.NotNegative(until - handle.Time.GetUtcNow()));
    }

    private void End(string @event, string why)
    {
        if (handle.Fault is not { } plan) return;
        handle.Fault = null;
        timers.Cancel(TimerKey);
        OrchestratorMetrics.FaultChanged(Name, plan.Fault.Kind.ToString().ToLowerInvariant(), @event);
        log.Warning("Fault of {Dependency} ended ({Why}): {Fault}, {Affected} calls affected", Name, why, plan.Fault.ToString(), plan.Status().Affected);
    }
}
