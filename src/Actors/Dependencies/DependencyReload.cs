using Akka.Event;
using Orchestrator.Actors.Reload;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// A dependency actor's half of a change of options at run time: the change prepared (<see cref="OptionsChange"/>),
/// then, when it is taken, put in force on the handle (both sides read it from the next call) and in the actor's
/// policies (the breaker's thresholds, the bulkhead's queue, the retry budget), their state kept. Every change tried
/// is logged, counted and kept for the status. Used on the actor's thread only.
/// </summary>
internal sealed class DependencyReload(DependencyHandle handle, DependencyState state, ILoggingAdapter log)
{
    /// <summary>Tries <paramref name="change"/>; the result for the sender. True in <paramref name="applied"/> when the options in force changed.</summary>
    public OptionsChangeResult Change(Action<DependencyOptions> change, out bool applied)
    {
        var (next, result) = OptionsChange.Prepare(handle.Name, handle.Options, change, handle.Time.GetUtcNow());
        handle.LastOptionsChange = result;
        applied = next is not null;
        if (next is not null) PutInForce(next);
        Report(result);
        return result;
    }

    private void PutInForce(DependencyOptions next)
    {
        handle.ChangeOptions(next);
        state.Bulkhead.QueueCapacity = next.Bulkhead.QueueCapacity;
        state.Breaker.Reconfigure(next.Breaker);
        state.Budget.Reconfigure(next.Retry.BudgetRatio, next.Retry.BudgetFloor, next.Retry.BudgetWindow);
    }

    private void Report(OptionsChangeResult result)
    {
        var name = handle.Name;
        if (!result.Accepted)
        {
            OrchestratorMetrics.OptionsChanged(name, "refused");
            log.Warning("Options of {Dependency} not changed: {Problems}; the options in force are kept", name, string.Join(" ", result.Refused));
        }
        else if (result.Applied.Count > 0)
        {
            OrchestratorMetrics.OptionsChanged(name, "applied");
            log.Info("Options of {Dependency} changed at run time: {Settings}", name, string.Join(", ", result.Applied));
        }
        else OrchestratorMetrics.OptionsChanged(name, "unchanged");
        if (result.NeedsRestart.Count > 0)
            log.Warning("Options of {Dependency} changed that take effect only when the node restarts (the running values stay): {Settings}",
                name, string.Join(", ", result.NeedsRestart));
    }
}
