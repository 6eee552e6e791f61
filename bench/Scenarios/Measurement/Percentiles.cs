namespace Orchestrator.Bench.Scenarios.Measurement;

/// <summary>Nearest-rank percentiles of latencies, in milliseconds.</summary>
public static class Percentiles
{
    /// <summary>The <paramref name="percentile"/>-th (0..100) of <paramref name="sortedMs"/> (sorted ascending); null when empty.</summary>
    public static double? Of(IReadOnlyList<double> sortedMs, double percentile)
    {
        if (sortedMs.Count == 0) return null;
        var rank = (int)Math.Ceiling(percentile / 100 * sortedMs.Count);
        return Math.Round(sortedMs[Math.Clamp(rank - 1, 0, sortedMs.Count - 1)], 1);
    }
}
