using Orchestrator.Contracts;

namespace Orchestrator.Actors.Hedging;

/// <summary>How long an attempt may run before the next hedge of its call starts.</summary>
internal static class HedgeDelay
{
    /// <summary>
    /// The fixed <see cref="HedgingOptions.Delay"/>; with a <see cref="HedgingOptions.Percentile"/>, that percentile
    /// of <paramref name="latencies"/> once they hold <see cref="HedgingOptions.MinimumSamples"/> answers.
    /// </summary>
    public static TimeSpan For(HedgingOptions options, LatencyWindow latencies) =>
        options.Percentile is { } p && latencies.Count >= HedgingOptions.MinimumSamples && latencies.Percentile(p) is { } observed
            ? observed
            : options.Delay;
}
