namespace Orchestrator.Contracts;

/// <summary>What a fallback is told about the failure it replaces.</summary>
/// <param name="Dependency">The dependency that did not answer.</param>
/// <param name="Reason">Why it did not answer.</param>
/// <param name="Error">The exception, when the work failed with one.</param>
public sealed record FallbackContext(string Dependency, DegradationReason Reason, Exception? Error);
