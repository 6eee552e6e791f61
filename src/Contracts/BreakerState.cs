namespace Orchestrator.Contracts;

/// <summary>The state of a dependency's circuit breaker.</summary>
public enum BreakerState
{
    /// <summary>Calls flow; outcomes are counted.</summary>
    Closed,
    /// <summary>Calls fail fast until the reset timeout ends.</summary>
    Open,
    /// <summary>A limited number of probe calls test whether the dependency is back.</summary>
    HalfOpen,
    /// <summary>Opened by hand; stays open until reset by hand.</summary>
    Isolated,
}
