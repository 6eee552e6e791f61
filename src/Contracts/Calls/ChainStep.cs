namespace Orchestrator.Contracts;

/// <summary>A step of the fallback chain that did not answer, and why.</summary>
/// <param name="Step">"primary", "stale-cache", "replica:&lt;name&gt;", "call-fallback" or "default".</param>
/// <param name="Reason">Why it gave no answer.</param>
/// <param name="Detail">A sentence a person can read.</param>
public sealed record ChainStep(string Step, DegradationReason Reason, string? Detail = null);
