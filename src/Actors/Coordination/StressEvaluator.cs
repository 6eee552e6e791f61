using Orchestrator.Contracts;

namespace Orchestrator.Actors.Coordination;

/// <summary>
/// Turns stress signals into a level. The score is the strongest weighted signal (capped at 1), so one saturated
/// resource is enough to show stress. Levels move with hysteresis (a level is left at a lower score than the one
/// that entered it) and a minimum dwell time between changes, so the level never flaps around a threshold; and
/// recovery goes one step at a time (Severe, then Stressed, then Normal). Not thread-safe: owned by one actor.
/// </summary>
public sealed class StressEvaluator(StressOptions options, TimeProvider time)
{
    private readonly StressOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));

    /// <summary>The current level.</summary>
    public StressLevel Level { get; private set; } = StressLevel.Normal;

    /// <summary>The score of the last sample.</summary>
    public double Score { get; private set; }

    /// <summary>When the level last changed (start counts as a change).</summary>
    public DateTimeOffset LastChange { get; private set; } = time.GetUtcNow();

    /// <summary>The strongest weighted signal, capped at 1.</summary>
    public double ScoreOf(StressSignals s) => Math.Min(1, Math.Max(
        Math.Max(s.Saturation * _options.SaturationWeight, s.ErrorRate * _options.ErrorRateWeight),
        Math.Max(s.Latency * _options.LatencyWeight, s.Process * _options.ProcessWeight)));

    /// <summary>Takes one sample; returns the new level if it changed, else null.</summary>
    public StressLevel? Evaluate(StressSignals signals)
    {
        Score = ScoreOf(signals);
        var target = Target(Level, Score);
        if (target == Level || _time.GetUtcNow() - LastChange < _options.MinDwell) return null;
        Level = target;
        LastChange = _time.GetUtcNow();
        return target;
    }

    private StressLevel Target(StressLevel current, double score) => current switch
    {
        StressLevel.Normal when score >= _options.SevereEnter => StressLevel.Severe,
        StressLevel.Normal when score >= _options.StressedEnter => StressLevel.Stressed,
        StressLevel.Stressed when score >= _options.SevereEnter => StressLevel.Severe,
        StressLevel.Stressed when score < _options.StressedExit => StressLevel.Normal,
        StressLevel.Severe when score < _options.SevereExit => StressLevel.Stressed, // one step at a time
        _ => current,
    };

    /// <summary>The tiers switched off at <paramref name="level"/>.</summary>
    public static IReadOnlySet<Tier> DisabledTiers(StressLevel level) => level switch
    {
        StressLevel.Severe => new HashSet<Tier> { Tier.Optional, Tier.Important },
        StressLevel.Stressed => new HashSet<Tier> { Tier.Optional },
        _ => new HashSet<Tier>(),
    };
}
