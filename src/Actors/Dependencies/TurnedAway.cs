using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>The sentence a caller reads when its call was turned away: it names the dependency and the reason, with the numbers behind it.</summary>
internal static class TurnedAway
{
    /// <summary>Why <paramref name="call"/> to <paramref name="handle"/>'s dependency was turned away for <paramref name="reason"/>.</summary>
    public static string Detail(DependencyHandle handle, DegradationReason reason, GuardedCall call)
    {
        var name = handle.Name;
        var bulkhead = handle.Options.Bulkhead; // one snapshot: the options may change meanwhile
        return reason switch
        {
            DegradationReason.DeadlineExceeded => $"The deadline of the call to '{name}' ({call.Deadline:O}) had passed when it arrived.",
            DegradationReason.FeatureDisabled => call.Feature is { } feature
                ? $"The feature '{feature}' is switched off."
                : $"{call.Tier} calls are switched off while the node is {handle.Controls.Board.Current.Level}.",
            DegradationReason.Shed when handle.Controls.Admission is { } admission =>
                $"The node sheds {call.Tier} calls: {admission.InFlight} calls in flight, {call.Tier} may use {admission.CapFor(call.Tier)} of {admission.Limit}.",
            DegradationReason.BreakerOpen => Breaker(handle),
            DegradationReason.BulkheadFull =>
                $"The bulkhead of '{name}' is full: {handle.Gate.Capacity} calls admitted ({bulkhead.MaxConcurrency} may run, {bulkhead.QueueCapacity} may wait).",
            DegradationReason.ActorFailure => handle.StoppedReason ?? $"The actor of '{name}' has stopped.",
            DegradationReason.RateLimited when handle.RateLimit is { } limit => RateLimited(name, limit),
            _ => $"The call to '{name}' was turned away: {reason}.",
        };
    }

    private static string RateLimited(string name, RateLimit.DependencyRateLimiter limit)
    {
        var o = limit.Options;
        var wait = o.QueueLimit > 0
            ? $"; a call may wait for a permit (at most {o.QueueLimit} at once) no longer than its timeout or deadline"
            : "";
        return $"The rate limit of '{name}' ({o.PermitsPerPeriod} attempts per {o.Period} on this node) had no permit for the call{wait}; " +
               $"permits come back in {limit.UntilNextPermits().TotalMilliseconds:0} ms.";
    }

    private static string Breaker(DependencyHandle handle)
    {
        var (name, board) = (handle.Name, handle.Breaker);
        return board.State switch
        {
            BreakerState.Isolated => $"The circuit breaker of '{name}' is isolated by hand.",
            BreakerState.HalfOpen => $"The circuit breaker of '{name}' is half-open and its probes are taken.",
            BreakerState.Open when board.OpenUntil is null => handle.ClusterNote ?? $"The circuit breaker of '{name}' is open on the cluster's evidence.",
            BreakerState.Open when board.OpenUntil is { } until => $"The circuit breaker of '{name}' is open until {until:O} (open since {board.OpenedAt:O}).",
            _ => $"The circuit breaker of '{name}' turned the call away.",
        };
    }
}
