using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Telemetry;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// Watches a dependency's rate limit while it refuses permits: one warning when it starts, then a look every
/// <see cref="DependencyActor.RejectingCheckInterval"/>; a whole interval without a refusal logs that it stopped, with
/// how many it refused. Used on the actor's thread only.
/// </summary>
internal sealed class RateLimitWatch(DependencyHandle handle, DependencyState state, ITimerScheduler timers, ILoggingAdapter log)
{
    private const string TimerKey = "rate-limit-check";

    /// <summary>The first refusal since the limit last stopped refusing (told by the caller's side or the actor's).</summary>
    public void OnStarted()
    {
        if (handle.RateLimit is not { } limit) return;
        var options = limit.Options;
        state.RateLimitRefusedAtLastCheck = limit.Refused;
        OrchestratorMetrics.RateLimitChanged(handle.Name, limiting: true);
        log.Warning("Rate limit of {Dependency} reached: {Permits} attempts per {Period} on this node ({Algorithm}); calls {Then}",
            handle.Name, options.PermitsPerPeriod, options.Period, options.Algorithm,
            options.QueueLimit > 0 ? $"wait for permits (at most {options.QueueLimit} at once)" : "without a permit are turned away");
        Rearm();
    }

    /// <summary>A limit that refused nothing for a whole interval has stopped refusing.</summary>
    public void OnCheck()
    {
        if (handle.RateLimit is not { } limit) return;
        var refused = limit.Refused;
        if (refused != state.RateLimitRefusedAtLastCheck)
        {
            state.RateLimitRefusedAtLastCheck = refused;
            return;
        }
        timers.Cancel(TimerKey);
        limit.ClearLimiting();
        OrchestratorMetrics.RateLimitChanged(handle.Name, limiting: false);
        log.Info("Rate limit of {Dependency} stopped refusing permits after {Refused} refusals", handle.Name, limit.RefusedSinceLimiting);
    }

    /// <summary>Looks again every interval while the limit is reported refusing (after a restart too).</summary>
    public void Rearm()
    {
        if (handle.RateLimit is { Limiting: true }) timers.StartPeriodicTimer(TimerKey, RateLimitCheck.Instance, DependencyActor.RejectingCheckInterval);
    }
}
