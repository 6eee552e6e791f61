namespace Orchestrator.Actors.Health;

/// <summary>How degraded an orchestrator is (see <see cref="DegradationHealth"/> for the definitions).</summary>
public enum DegradationState
{
    /// <summary>Every tier and feature is on, every breaker closed, nothing shed.</summary>
    Healthy = 0,
    /// <summary>Something is switched off, shed or behind a breaker that is not closed, but CRITICAL work is served.</summary>
    Degraded = 1,
    /// <summary>CRITICAL work cannot be served.</summary>
    Unhealthy = 2,
}
