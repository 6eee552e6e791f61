using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// How one dependency's calls ended, counted wherever they were answered (on the caller's side or by its actor).
/// Lock-free; shared by the actor, the callers and the priority coordinator, who read it without any message.
/// </summary>
internal sealed class DependencyStats
{
    private long _fallbacks, _rejected, _failed, _refused, _cancelled, _timedOut, _otherTicks, _troubled;
    private readonly StripedTally _succeeded = new(); // the common case, counted from every caller at once: striped

    /// <summary>
    /// Answers that show trouble at the dependency: degraded for any reason but the node's own choice (feature off,
    /// shed, the rate limit) or the caller's cancellation. A refusal is the caller's error, never trouble.
    /// </summary>
    public long Troubled => Interlocked.Read(ref _troubled);

    /// <summary>Counts one answer and the time it took.</summary>
    public void Count(CallOutcome outcome, TimeSpan elapsed, DegradationReason reason = DegradationReason.None)
    {
        if (outcome is not (CallOutcome.Succeeded or CallOutcome.Refused) && reason is not (DegradationReason.FeatureDisabled or DegradationReason.Shed or DegradationReason.Cancelled or DegradationReason.RateLimited))
            Interlocked.Increment(ref _troubled);
        if (outcome == CallOutcome.Succeeded)
        {
            _succeeded.Add(elapsed.Ticks);
            return;
        }
        Interlocked.Add(ref _otherTicks, elapsed.Ticks);
        if (reason == DegradationReason.Cancelled)
        {
            Interlocked.Increment(ref _cancelled);
            return;
        }
        switch (outcome)
        {
            case CallOutcome.Fallback: Interlocked.Increment(ref _fallbacks); break;
            case CallOutcome.Rejected: Interlocked.Increment(ref _rejected); break;
            case CallOutcome.Refused: Interlocked.Increment(ref _refused); break;
            default: Interlocked.Increment(ref _failed); break;
        }
    }

    /// <summary>Counts an attempt that ran out of time.</summary>
    public void CountTimeout() => Interlocked.Increment(ref _timedOut);

    /// <summary>Total time of all answered calls (for mean latency between two samples).</summary>
    public TimeSpan TotalElapsed => TimeSpan.FromTicks(_succeeded.Sum + Interlocked.Read(ref _otherTicks));

    /// <summary>The counts now.</summary>
    public CallCounters Snapshot() => new(
        _succeeded.Count, Interlocked.Read(ref _fallbacks), Interlocked.Read(ref _rejected),
        Interlocked.Read(ref _failed), Interlocked.Read(ref _timedOut)) { Refused = Interlocked.Read(ref _refused), Cancelled = Interlocked.Read(ref _cancelled) };
}
