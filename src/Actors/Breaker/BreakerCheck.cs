namespace Orchestrator.Actors.Breaker;

/// <summary>What the breaker says of a call that arrives (<see cref="BreakerBoard.Check"/>), before it takes a permit.</summary>
internal enum BreakerCheck : byte
{
    /// <summary>Calls may pass (closed, or half-open with a probe left).</summary>
    Passes,
    /// <summary>Calls are turned away (open, isolated, or half-open with every probe taken).</summary>
    Rejects,
    /// <summary>Only the breaker's owner can tell (its open period just ended): hand the call to the actor.</summary>
    Defer,
}
