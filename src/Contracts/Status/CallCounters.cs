namespace Orchestrator.Contracts;

/// <summary>How the calls of one dependency ended, since start.</summary>
public sealed record CallCounters(long Succeeded, long Fallbacks, long Rejected, long Failed, long TimedOut);
