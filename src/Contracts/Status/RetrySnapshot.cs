namespace Orchestrator.Contracts;

/// <summary>A dependency's retries at one moment.</summary>
/// <param name="Retries">Retries made since start.</param>
/// <param name="Denied">Retries the budget refused since start.</param>
/// <param name="WindowAttempts">First attempts in the budget's window now.</param>
/// <param name="WindowRetries">Retries in the budget's window now.</param>
public sealed record RetrySnapshot(long Retries, long Denied, int WindowAttempts, int WindowRetries);
