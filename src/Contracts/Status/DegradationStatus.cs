namespace Orchestrator.Contracts;

/// <summary>What the priority coordinator has decided: the level, why, and which tiers and features are off.</summary>
/// <param name="Level">Normal, Stressed or Severe.</param>
/// <param name="Score">The stress score of the last sample (0..1).</param>
/// <param name="Reasons">Why the level is above Normal: each signal at or above its threshold, with its value; empty at Normal.</param>
/// <param name="DisabledTiers">Tiers switched off by the level.</param>
/// <param name="Features">Every declared feature.</param>
/// <param name="Since">When the level last changed.</param>
public sealed record DegradationStatus(StressLevel Level, double Score, IReadOnlyList<StressReason> Reasons, IReadOnlyList<Tier> DisabledTiers,
    IReadOnlyList<FeatureStatus> Features, DateTimeOffset Since)
{
    /// <summary>The signal behind the score, with its value and where it comes from ("CPU 94%: the process").</summary>
    public string? Cause { get; init; }

    /// <summary>The node's load shedder when it is enabled (filled in by the coordinator's answer to GetDegradation).</summary>
    public AdmissionSnapshot? Admission { get; init; }

    /// <summary>Nothing is off.</summary>
    public static readonly DegradationStatus AllOn = new(StressLevel.Normal, 0, [], [], [], DateTimeOffset.MinValue);

    /// <summary>Whether a call of <paramref name="tier"/> for <paramref name="feature"/> (if any) may go through.</summary>
    public bool Allows(Tier tier, string? feature)
    {
        if (feature is null && DisabledTiers.Count == 0) return true; // the common case, on every call
        if (feature is not null)
            foreach (var f in Features)
                if (f.Name == feature) return f.Enabled;
        return tier == Tier.Critical || !DisabledTiers.Contains(tier);
    }
}
