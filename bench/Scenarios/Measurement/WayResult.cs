using Orchestrator.Bench.Scenarios.Ways;

namespace Orchestrator.Bench.Scenarios.Measurement;

/// <summary>The measurements of one way through one scenario.</summary>
public sealed record WayResult
{
    public required ProtectionKind Way { get; init; }
    public required long Requests { get; init; }

    /// <summary>Requests not answered when the run was cut (counted as failed).</summary>
    public required long Unanswered { get; init; }

    /// <summary>Successes within the deadline, per second.</summary>
    public required double GoodputPerSecond { get; init; }

    /// <summary>Goodput as a share of what the dependencies can serve.</summary>
    public required double GoodputOfCapacity { get; init; }

    /// <summary>Goodput as a share of the requests sent.</summary>
    public required double GoodputOfOffered { get; init; }

    /// <summary>CRITICAL requests that succeeded within the deadline.</summary>
    public required double CriticalSuccess { get; init; }

    public required IReadOnlyList<TierLatency> Tiers { get; init; }

    /// <summary>Answers that were a fallback or a rejection answered with one.</summary>
    public required double DegradedShare { get; init; }

    /// <summary>Requests left without an answer (error with no fallback, or never answered).</summary>
    public required double FailedShare { get; init; }

    /// <summary>The slowest answer, in milliseconds.</summary>
    public required double MaxLatencyMs { get; init; }

    /// <summary>For a scenario with a faulty dependency: the calls that reached it during the fault.</summary>
    public FaultyDependencyCalls? FaultyCalls { get; init; }

    /// <summary>Seconds from the end of the fault until the faulty dependency's calls succeed again (null: not within the run, or no fault).</summary>
    public double? RecoverySeconds { get; init; }

    public required IReadOnlyList<TimelinePoint> Timeline { get; init; }

    /// <summary>For a flood scenario: how the requests with bad input were answered (they are not in the figures above).</summary>
    public FloodResult? Flood { get; init; }

    /// <summary>For a way that hedges: the hedges it started over the run and how many answered; null for a way that does not.</summary>
    public HedgingResult? Hedging { get; init; }

    /// <summary>The way's stress level over the run (the orchestrator's), sampled four times a second; null for a way without one.</summary>
    public IReadOnlyList<LevelPoint>? Levels { get; init; }
}

/// <summary>
/// The requests with bad input of a flood: how many, and the share answered with the dependency's refusal (the right
/// answer), with a degraded answer (a fallback, or turned away: the wrong one) or with none.
/// </summary>
public sealed record FloodResult(long Requests, double RefusedShare, double DegradedShare, double FailedShare, double? P99Ms);

/// <summary>The stress level at a moment of the run (seconds since its start); <paramref name="Value"/>: 0 Normal, 1 Stressed, 2 Severe.</summary>
public sealed record LevelPoint(double Seconds, Contracts.StressLevel Level, int Value);

/// <summary>Latency percentiles and success of one tier, in milliseconds.</summary>
public sealed record TierLatency(string Tier, long Requests, double? P50Ms, double? P99Ms, double Success);

/// <summary>
/// The calls that reached the faulty dependency for requests sent during the fault: all of them, the first
/// attempts, and the retries as a share of the first attempts. For a way that hedges, the retries include the hedges
/// that reached the dependency; <see cref="Hedges"/> says how many hedges the way started.
/// </summary>
public sealed record FaultyDependencyCalls(string Dependency, long Requests, long Calls, long FirstAttempts, long Retries, double RetryOverhead)
{
    /// <summary>
    /// Hedges the way started for these requests (0 for a way that does not hedge). Not all of them reached the
    /// dependency: one can be turned away (Polly's limiter or breaker), or cancelled before its work ran (the call was
    /// answered first).
    /// </summary>
    public long Hedges { get; init; }

    /// <summary>The median latency of these requests, in milliseconds (null in results written before it was measured).</summary>
    public double? P50Ms { get; init; }

    /// <summary>The 95th percentile latency of these requests, in milliseconds (null in results written before it was measured).</summary>
    public double? P95Ms { get; init; }

    /// <summary>The 99th percentile latency of these requests, in milliseconds (null in results written before it was measured).</summary>
    public double? P99Ms { get; init; }
}

/// <summary>
/// The hedges of a hedging way over the run: how many it started (for Polly: hedged actions it created; for the
/// orchestrator: hedges that took their place, permit and budget), the share of the requests that had one, and the
/// requests a hedge answered (for the orchestrator: a later attempt than the first answered a hedged call), and
/// their median latency (the hedge's wait plus the hedge's own call), in milliseconds.
/// </summary>
public sealed record HedgingResult(long Hedges, double HedgedShare, long AnsweredByHedge, double? AnsweredByHedgeP50Ms);

/// <summary>One slice of the run: goodput per second, the 99th percentile latency and the degraded share of the requests sent in it.</summary>
public sealed record TimelinePoint(double Seconds, double GoodputPerSecond, double? P99Ms, double DegradedShare);
