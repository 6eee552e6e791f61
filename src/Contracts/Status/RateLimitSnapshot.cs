namespace Orchestrator.Contracts;

/// <summary>A dependency's rate limit on this node at one moment.</summary>
/// <param name="PermitsPerPeriod">The most attempts per period.</param>
/// <param name="Period">The period.</param>
/// <param name="Algorithm">Token bucket or sliding window.</param>
/// <param name="Available">Permits available now.</param>
/// <param name="Waiting">Calls waiting for permits now.</param>
/// <param name="QueueLimit">The most calls that may wait for permits.</param>
/// <param name="Granted">Permits given since start.</param>
/// <param name="Refused">Permits refused since start.</param>
/// <param name="Limiting">Whether it refused permits lately (reported until a whole second passes without a refusal).</param>
public sealed record RateLimitSnapshot(int PermitsPerPeriod, TimeSpan Period, RateLimitAlgorithm Algorithm, long Available, int Waiting, int QueueLimit,
    long Granted, long Refused, bool Limiting);
