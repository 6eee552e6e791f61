namespace Orchestrator.Contracts;

/// <summary>How the calls of one dependency ended, since start.</summary>
/// <param name="Succeeded">Answered by the dependency.</param>
/// <param name="Fallbacks">Answered by a fallback step.</param>
/// <param name="Rejected">Turned away before the work ran, with no fallback.</param>
/// <param name="Failed">Ran and failed, with no fallback.</param>
/// <param name="TimedOut">Attempts that ran out of time.</param>
public sealed record CallCounters(long Succeeded, long Fallbacks, long Rejected, long Failed, long TimedOut)
{
    /// <summary>Refused: the caller's own error (the dependency said no to the request); not trouble at the dependency.</summary>
    public long Refused { get; init; }

    /// <summary>Cancelled by their callers (the work was cancelled): neither failed nor trouble at the dependency.</summary>
    public long Cancelled { get; init; }
}
