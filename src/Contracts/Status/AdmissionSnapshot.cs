namespace Orchestrator.Contracts;

/// <summary>The node's load shedder at one moment.</summary>
/// <param name="InFlight">Guarded calls in flight on the node.</param>
/// <param name="Limit">The limit now.</param>
/// <param name="OptionalCap">Calls in flight beyond which OPTIONAL calls are shed.</param>
/// <param name="ImportantCap">Calls in flight beyond which IMPORTANT calls are shed.</param>
/// <param name="ShedOptional">OPTIONAL calls shed since start.</param>
/// <param name="ShedImportant">IMPORTANT calls shed since start.</param>
/// <param name="ShedCritical">CRITICAL calls shed since start.</param>
public sealed record AdmissionSnapshot(int InFlight, int Limit, int OptionalCap, int ImportantCap, long ShedOptional, long ShedImportant, long ShedCritical);
