namespace Orchestrator.Clustering;

/// <summary>
/// The cluster-state actor's rehearsal of the breaker-news path finished (serializers and verdict code run once on
/// samples, off the actor's thread). Local only.
/// </summary>
/// <param name="Took">How long it took.</param>
internal sealed record NewsPathRehearsed(TimeSpan Took);
