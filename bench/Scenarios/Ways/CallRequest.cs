using Orchestrator.Bench.Scenarios.Simulation;
using Orchestrator.Contracts;

namespace Orchestrator.Bench.Scenarios.Ways;

/// <summary>
/// One caller's request to one dependency. CRITICAL calls have no fallback (an error fails them); the others fall
/// back to a degraded answer. <see cref="Attempts"/> counts the calls that reached the dependency for it.
/// </summary>
public sealed class CallRequest(SimulatedDependency dependency, Tier tier, TimeSpan deadline)
{
    private int _attempts;

    public SimulatedDependency Dependency { get; } = dependency;
    public Tier Tier { get; } = tier;

    /// <summary>How long the caller (a page) may take to answer.</summary>
    public TimeSpan Deadline { get; } = deadline;

    public bool HasFallback => Tier != Tier.Critical;
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>The work: one call to the dependency, counted.</summary>
    public Task<string> CallDependencyAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        return Dependency.CallAsync(cancellationToken);
    }

    /// <summary>What an error or a rejection leaves the caller with.</summary>
    public Answer WhenTurnedAway => HasFallback ? Answer.Degraded : Answer.Failed;
}
