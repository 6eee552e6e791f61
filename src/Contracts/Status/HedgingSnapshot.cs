namespace Orchestrator.Contracts;

/// <summary>A dependency's hedged calls at one moment.</summary>
/// <param name="MaxHedges">The most hedges per call.</param>
/// <param name="Target">Where hedges go.</param>
/// <param name="Delay">The wait before a hedge now: the fixed delay, or the percentile of the last answers' latency once enough were seen.</param>
/// <param name="Started">Hedges started since start.</param>
/// <param name="Won">Calls whose answer came from a hedge, since start.</param>
/// <param name="Skipped">Hedges not made (no place, breaker permit, rate limit permit or retry budget for them), since start.</param>
public sealed record HedgingSnapshot(int MaxHedges, HedgeTarget Target, TimeSpan Delay, long Started, long Won, long Skipped);
