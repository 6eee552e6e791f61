using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// How one dependency's calls ended, counted wherever they were answered: by its actor, or by a sender that the
/// bulkhead gate turned away. Lock-free; shared by the actor and the senders.
/// </summary>
public sealed class DependencyStats
{
    private long _succeeded, _fallbacks, _rejected, _failed, _timedOut;

    /// <summary>Counts one answer.</summary>
    public void Count(CallOutcome outcome)
    {
        switch (outcome)
        {
            case CallOutcome.Succeeded: Interlocked.Increment(ref _succeeded); break;
            case CallOutcome.Fallback: Interlocked.Increment(ref _fallbacks); break;
            case CallOutcome.Rejected: Interlocked.Increment(ref _rejected); break;
            default: Interlocked.Increment(ref _failed); break;
        }
    }

    /// <summary>Counts an attempt that ran out of time.</summary>
    public void CountTimeout() => Interlocked.Increment(ref _timedOut);

    /// <summary>The counts now.</summary>
    public CallCounters Snapshot() => new(
        Interlocked.Read(ref _succeeded), Interlocked.Read(ref _fallbacks), Interlocked.Read(ref _rejected),
        Interlocked.Read(ref _failed), Interlocked.Read(ref _timedOut));
}
