using Orchestrator.Bench.Scenarios.Definitions;

namespace Orchestrator.Bench.Scenarios.Ways;

/// <summary>
/// The settings Polly and the orchestrator share, so that they differ only in what each can do: per attempt a
/// timeout, a bulkhead of the dependency's workers with as many waiting, a breaker (5 failures in a row, or half
/// the calls over a window of at least 10) open for <see cref="BreakFor"/>, and up to 3 attempts with
/// exponential backoff and full jitter.
/// </summary>
public sealed record ProtectionSettings(TimeSpan AttemptTimeout, TimeSpan BreakFor, TimeSpan SamplingWindow)
{
    public const int FailuresInARow = 5;
    public const double FailureRatio = 0.5;
    public const int MinimumThroughput = 10;
    public const int MaxAttempts = 3;
    public static readonly TimeSpan BackoffBase = TimeSpan.FromMilliseconds(20);
    public static readonly TimeSpan BackoffMax = TimeSpan.FromMilliseconds(100);

    /// <summary>The orchestrator's retry budget: retries may add 10% to the first attempts.</summary>
    public const double BudgetRatio = 0.1;

    /// <summary>
    /// The orchestrator's retry budget when it hedges: hedges are paid from it, so it leaves room for hedges of 10
    /// to 20% of the calls (with the retries).
    /// </summary>
    public const double HedgingBudgetRatio = 0.2;

    /// <summary>The percentile of the dependency's answers the percentile-hedging way waits before a hedge.</summary>
    public const double HedgePercentile = 90;

    /// <summary>The shortest break and window Polly accepts.</summary>
    private static readonly TimeSpan PollyMinimum = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Settings for a run of <paramref name="duration"/>: the breaker's open time (a fifteenth of the run) and its
    /// window (a fifth) scale with it, but never below the half second Polly accepts.
    /// </summary>
    public static ProtectionSettings For(TimeSpan duration) =>
        new(TimeSpan.FromMilliseconds(150), Max(duration / 15, PollyMinimum), Max(duration / 5, PollyMinimum));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Calls that may run at once at <paramref name="dependency"/>.</summary>
    public static int Concurrency(DependencySpec dependency) => dependency.Workers;

    /// <summary>Calls that may wait for one of them.</summary>
    public static int Queue(DependencySpec dependency) => dependency.Workers;
}
