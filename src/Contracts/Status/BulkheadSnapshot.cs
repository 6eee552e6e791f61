namespace Orchestrator.Contracts;

/// <summary>A bulkhead's occupancy at one moment.</summary>
/// <param name="InFlight">Calls running now.</param>
/// <param name="Queued">Calls waiting for a slot.</param>
/// <param name="MaxConcurrency">The most calls that may run at once.</param>
/// <param name="QueueCapacity">The most calls that may wait.</param>
/// <param name="Rejecting">Whether the last call that arrived was rejected for lack of room.</param>
/// <param name="RejectedTotal">Calls rejected for lack of room since start.</param>
public sealed record BulkheadSnapshot(int InFlight, int Queued, int MaxConcurrency, int QueueCapacity, bool Rejecting, long RejectedTotal);
