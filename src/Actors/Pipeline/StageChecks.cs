using Orchestrator.Actors.Breaker;

namespace Orchestrator.Actors.Pipeline;

/// <summary>What a side's bulkhead gate says.</summary>
internal enum GateCheck : byte
{
    /// <summary>The call has a place in the dependency's room.</summary>
    Entered,
    /// <summary>The room is full.</summary>
    Full,
    /// <summary>The dependency's actor has stopped for good: nothing is let in.</summary>
    Closed,
}

/// <summary>What a side's cache check says.</summary>
internal enum CacheCheck : byte
{
    /// <summary>The cache has nothing to say about this call (no cache, no key, or a miss this call fetches).</summary>
    Miss,
    /// <summary>The call is answered from the cache, or waits on the fetch in flight for its key.</summary>
    Handled,
    /// <summary>Only the actor owns the cache and its single flight: hand the call over.</summary>
    Defer,
}

/// <summary>What a side's attempt check says, and the breaker's permit when the call may run.</summary>
/// <param name="Kind">Run, queued, hand over, full, breaker open, or rate limited.</param>
/// <param name="Permit">For <see cref="AttemptCheckKind.Run"/>: allowed, or a probe.</param>
/// <param name="ProbeRound">For a probe: the half-open round it belongs to.</param>
internal readonly record struct AttemptCheck(AttemptCheckKind Kind, BreakerPermit Permit = BreakerPermit.Rejected, long ProbeRound = 0)
{
    /// <summary>The call holds a slot and the permit: run it.</summary>
    public static AttemptCheck Run(BreakerPermit permit, long round) => new(AttemptCheckKind.Run, permit, round);

    /// <summary>The call waits in the queue.</summary>
    public static readonly AttemptCheck Queued = new(AttemptCheckKind.Queued);

    /// <summary>Only the actor can queue the call: hand it over.</summary>
    public static readonly AttemptCheck Defer = new(AttemptCheckKind.Defer);

    /// <summary>No slot and no room in the queue.</summary>
    public static readonly AttemptCheck Full = new(AttemptCheckKind.Full);

    /// <summary>A slot, but no permit: the breaker opened, or another call took the last probe.</summary>
    public static readonly AttemptCheck BreakerOpen = new(AttemptCheckKind.BreakerOpen);

    /// <summary>The rate limit had no permit, and no place to wait for one.</summary>
    public static readonly AttemptCheck RateLimited = new(AttemptCheckKind.RateLimited);
}

/// <summary>The kinds of <see cref="AttemptCheck"/>.</summary>
internal enum AttemptCheckKind : byte
{
    /// <summary>Run now.</summary>
    Run,
    /// <summary>Waits in the queue.</summary>
    Queued,
    /// <summary>Hand over to the actor.</summary>
    Defer,
    /// <summary>No room.</summary>
    Full,
    /// <summary>No permit.</summary>
    BreakerOpen,
    /// <summary>No permit of the rate limit.</summary>
    RateLimited,
}
