using Orchestrator.Bench.Scenarios.Definitions;
using Orchestrator.Bench.Scenarios.Ways;

namespace Orchestrator.Bench.Scenarios.Measurement;

/// <summary>Turns the records of one run into a <see cref="WayResult"/>.</summary>
public static class WayMetrics
{
    /// <summary>Slices of the timeline.</summary>
    public const int TimelineSlices = 40;

    /// <summary>The least requests a slice needs to tell whether the faulty dependency has recovered.</summary>
    private const int RecoveryMinRequests = 3;

    /// <summary>The share of a slice's requests to the faulty dependency that must succeed for it to count as recovered.</summary>
    public const double RecoveredShare = 0.9;

    public static WayResult Compute(Scenario scenario, ProtectionKind way, IReadOnlyList<CallRecord> records, TimeSpan duration)
    {
        var deadline = scenario.Deadline;
        var good = records.Count(r => r.IsGood(deadline));
        var goodput = good / duration.TotalSeconds;
        var critical = records.Where(r => r.Tier == Contracts.Tier.Critical).ToList();
        var faultStart = duration * scenario.FaultStarts;
        var faultEnd = duration * scenario.FaultEnds;
        var faulty = scenario.Dependencies.FirstOrDefault(d => d.IsFaulty);

        return new WayResult
        {
            Way = way,
            Requests = records.Count,
            Unanswered = records.Count(r => !r.Answered),
            GoodputPerSecond = Math.Round(goodput, 1),
            GoodputOfCapacity = Share(goodput, scenario.Capacity),
            GoodputOfOffered = Share(good, records.Count),
            CriticalSuccess = Share(critical.Count(r => r.IsGood(deadline)), critical.Count),
            Tiers = Scenario.TierMix.Select(t => Tier(t.Tier, records.Where(r => r.Tier == t.Tier).ToList(), deadline)).ToList(),
            DegradedShare = Share(records.Count(r => r.Answer == Answer.Degraded), records.Count),
            FailedShare = Share(records.Count(r => r.Answer == Answer.Failed), records.Count),
            MaxLatencyMs = records.Count == 0 ? 0 : Math.Round(records.Max(r => r.Latency.TotalMilliseconds), 1),
            FaultyCalls = faulty is null ? null : FaultyCalls(faulty.Name, records.Where(r => r.Dependency == faulty.Name && r.Start >= faultStart && r.Start < faultEnd).ToList()),
            RecoverySeconds = faulty is null ? null : Recovery(records.Where(r => r.Dependency == faulty.Name).ToList(), faultEnd, duration, deadline),
            Timeline = Timeline(records, duration, deadline),
            Hedging = way.Hedges() ? Hedging(records) : null,
        };
    }

    /// <summary>How the requests with bad input of a flood were answered.</summary>
    public static FloodResult Flood(IReadOnlyList<CallRecord> flood, TimeSpan deadline)
    {
        var sorted = flood.Select(r => r.Latency.TotalMilliseconds).Order().ToList();
        return new FloodResult(flood.Count, Share(flood.Count(r => r.Answer == Answer.Refused), flood.Count),
            Share(flood.Count(r => r.Answer == Answer.Degraded), flood.Count), Share(flood.Count(r => r.Answer == Answer.Failed), flood.Count),
            Percentiles.Of(sorted, 99));
    }

    private static HedgingResult Hedging(IReadOnlyList<CallRecord> records)
    {
        var byHedge = records.Where(r => r.AnsweredByHedge).Select(r => r.Latency.TotalMilliseconds).Order().ToList();
        return new HedgingResult(records.Sum(r => (long)r.Hedges), Share(records.Count(r => r.Hedges > 0), records.Count), byHedge.Count,
            Percentiles.Of(byHedge, 50));
    }

    private static double Share(double part, double whole) => whole <= 0 ? 0 : Math.Round(part / whole, 4);

    private static TierLatency Tier(Contracts.Tier tier, List<CallRecord> records, TimeSpan deadline)
    {
        var sorted = records.Select(r => r.Latency.TotalMilliseconds).Order().ToList();
        return new TierLatency(tier.ToString(), records.Count, Percentiles.Of(sorted, 50), Percentiles.Of(sorted, 99),
            Share(records.Count(r => r.IsGood(deadline)), records.Count));
    }

    private static FaultyDependencyCalls FaultyCalls(string dependency, List<CallRecord> duringFault)
    {
        var calls = duringFault.Sum(r => (long)r.Attempts);
        var first = duringFault.Count(r => r.Attempts > 0);
        var retries = calls - first;
        var sorted = duringFault.Select(r => r.Latency.TotalMilliseconds).Order().ToList();
        return new FaultyDependencyCalls(dependency, duringFault.Count, calls, first, retries, Share(retries, first))
        {
            Hedges = duringFault.Sum(r => (long)r.Hedges),
            P50Ms = Percentiles.Of(sorted, 50),
            P95Ms = Percentiles.Of(sorted, 95),
            P99Ms = Percentiles.Of(sorted, 99),
        };
    }

    /// <summary>
    /// The first slice after the fault in which at least <see cref="RecoveredShare"/> of the requests to the faulty
    /// dependency succeeded within the deadline; its start, less the fault's end, in seconds.
    /// </summary>
    private static double? Recovery(List<CallRecord> toFaulty, TimeSpan faultEnd, TimeSpan duration, TimeSpan deadline)
    {
        var slice = TimeSpan.FromTicks(Math.Max(duration.Ticks / 200, TimeSpan.FromMilliseconds(10).Ticks));
        for (var start = faultEnd; start + slice <= duration; start += slice)
        {
            var end = start + slice;
            var inSlice = toFaulty.Where(r => r.Start >= start && r.Start < end).ToList();
            if (inSlice.Count < RecoveryMinRequests) continue;
            if (inSlice.Count(r => r.IsGood(deadline)) >= RecoveredShare * inSlice.Count) return Math.Round((start - faultEnd).TotalSeconds, 3);
        }
        return null;
    }

    private static IReadOnlyList<TimelinePoint> Timeline(IReadOnlyList<CallRecord> records, TimeSpan duration, TimeSpan deadline)
    {
        var slice = duration / TimelineSlices;
        var bySlice = records.GroupBy(r => (int)Math.Min(TimelineSlices - 1, r.Start / slice)).ToDictionary(g => g.Key, g => g.ToList());
        var points = new List<TimelinePoint>(TimelineSlices);
        for (var i = 0; i < TimelineSlices; i++)
        {
            var inSlice = bySlice.GetValueOrDefault(i) ?? [];
            var sorted = inSlice.Select(r => r.Latency.TotalMilliseconds).Order().ToList();
            points.Add(new TimelinePoint(Math.Round((i + 0.5) * slice.TotalSeconds, 3), Math.Round(inSlice.Count(r => r.IsGood(deadline)) / slice.TotalSeconds, 1),
                Percentiles.Of(sorted, 99), Share(inSlice.Count(r => r.Answer == Answer.Degraded), inSlice.Count)));
        }
        return points;
    }
}
