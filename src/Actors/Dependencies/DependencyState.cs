using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Bulkhead;
using Orchestrator.Actors.Isolation;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// Everything a dependency actor must not forget, kept in one object so that a restarted actor takes it over
/// whole: the breaker, the bulkhead with its queue, the calls running, and the counters.
/// </summary>
internal sealed class DependencyState(CircuitBreaker breaker, Bulkhead<PendingCall> bulkhead, DedicatedThreadScheduler? threads)
{
    public CircuitBreaker Breaker { get; } = breaker;
    public Bulkhead<PendingCall> Bulkhead { get; } = bulkhead;
    public Dictionary<long, PendingCall> Running { get; } = new();
    public DedicatedThreadScheduler? Threads { get; } = threads;
    public long NextId { get; set; }

    /// <summary>While the bulkhead rejects: the gate's rejection count when it started, and at the last look.</summary>
    public long RejectedWhenStarted { get; set; }
    public long RejectedAtLastCheck { get; set; }
}
