using Orchestrator.Contracts;

namespace Orchestrator.Actors.Coordination;

/// <summary>
/// Turns stress signals into a level. The score is the strongest weighted signal (capped at 1), so one saturated
/// resource is enough to show stress; CPU alone counts for at most halfway between Stressed and Severe, so a busy
/// but healthy node never loses its IMPORTANT features. The signal behind the score is its <see cref="Cause"/>.
/// Levels move with hysteresis (a level is left at a lower score than the one that entered it) and a minimum dwell
/// time between changes, so the level never flaps around a threshold; and recovery goes one step at a time
/// (Severe, then Stressed, then Normal). Not thread-safe: owned by one actor.
/// </summary>
internal sealed class StressEvaluator(StressOptions options, TimeProvider time)
{
    private readonly StressOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));

    /// <summary>The current level.</summary>
    public StressLevel Level { get; private set; } = StressLevel.Normal;

    /// <summary>The score of the last sample.</summary>
    public double Score { get; private set; }

    /// <summary>The signal behind the last score, with its value and where it comes from.</summary>
    public string Cause { get; private set; } = "no stress";

    /// <summary>When the level last changed (start counts as a change).</summary>
    public DateTimeOffset LastChange { get; private set; } = time.GetUtcNow();

    /// <summary>The most CPU alone may count for: halfway between entering Stressed and entering Severe.</summary>
    public double CpuCeiling => (_options.StressedEnter + _options.SevereEnter) / 2;

    /// <summary>The strongest weighted signal, capped at 1 (CPU capped at <see cref="CpuCeiling"/>).</summary>
    public double ScoreOf(StressSignals s) => Judge(s).Score;

    /// <summary>The score of <paramref name="s"/> and the signal behind it.</summary>
    public (double Score, string Cause) Judge(StressSignals s)
    {
        var weighted = Weigh(s);
        var top = weighted.MaxBy(w => w.Weighted);
        var score = Math.Min(1, Math.Max(0, top.Weighted));
        if (score <= 0) return (0, "no stress");
        var cause = $"{StressReason.NameOf(top.Signal)} {top.Raw:0%}";
        if (s.Sources.TryGetValue(top.Signal, out var source)) cause += $" ({source})";
        if (top.Signal == StressSignal.Cpu && s.Cpu * _options.CpuWeight > CpuCeiling) cause += "; CPU alone goes no further than Stressed";
        return (score, cause);
    }

    /// <summary>Each signal, raw and weighted (CPU capped at <see cref="CpuCeiling"/>).</summary>
    private (StressSignal Signal, double Raw, double Weighted)[] Weigh(StressSignals s) =>
    [
        (StressSignal.Saturation, s.Saturation, s.Saturation * _options.SaturationWeight),
        (StressSignal.ErrorRate, s.ErrorRate, s.ErrorRate * _options.ErrorRateWeight),
        (StressSignal.Latency, s.Latency, s.Latency * _options.LatencyWeight),
        (StressSignal.ThreadPool, s.Process, s.Process * _options.ProcessWeight),
        (StressSignal.Cpu, s.Cpu, Math.Min(s.Cpu * _options.CpuWeight, CpuCeiling)),
    ];

    /// <summary>
    /// Why the level is above Normal: the signals at or above the level's entry score (the sample that raised it) or
    /// its exit score (a sample that holds it), strongest first. Empty at Normal. When no signal holds the level
    /// (only the minimum dwell does), the reasons of the last sample that held it stay, with their time.
    /// </summary>
    public IReadOnlyList<StressReason> Reasons { get; private set; } = [];

    /// <summary>Takes one sample; returns the new level if it changed, else null.</summary>
    public StressLevel? Evaluate(StressSignals signals)
    {
        (Score, Cause) = Judge(signals);
        var before = Level;
        var target = Target(Level, Score);
        var changed = target != Level && _time.GetUtcNow() - LastChange >= _options.MinDwell;
        if (changed)
        {
            Level = target;
            LastChange = _time.GetUtcNow();
        }
        NoteReasons(signals, rose: changed && Level > before);
        return changed ? Level : null;
    }

    private void NoteReasons(StressSignals signals, bool rose)
    {
        if (Level == StressLevel.Normal)
        {
            Reasons = [];
            return;
        }
        var threshold = Level == StressLevel.Severe
            ? rose ? _options.SevereEnter : _options.SevereExit
            : rose ? _options.StressedEnter : _options.StressedExit;
        var now = _time.GetUtcNow();
        var holding = Weigh(signals)
            .Where(w => w.Weighted >= threshold && w.Weighted > 0)
            .OrderByDescending(w => w.Weighted)
            .Select(w => new StressReason(w.Signal, Math.Round(Math.Min(1, w.Weighted), 4), threshold, SourceOf(signals, w.Signal, w.Raw), now))
            .ToList();
        if (holding.Count > 0 || Reasons.Count == 0) Reasons = holding;
    }

    private string SourceOf(StressSignals signals, StressSignal signal, double raw)
    {
        var source = signals.Sources.TryGetValue(signal, out var text) ? text : $"{StressReason.NameOf(signal)} {raw:0%}";
        return signal == StressSignal.Cpu && signals.Cpu * _options.CpuWeight > CpuCeiling ? source + "; CPU alone goes no further than Stressed" : source;
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
