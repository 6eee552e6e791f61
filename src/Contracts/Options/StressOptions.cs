namespace Orchestrator.Contracts;

/// <summary>How the priority coordinator turns stress signals into a level, with hysteresis and a dwell time.</summary>
public sealed class StressOptions : FreezableOptions
{
    /// <summary>How often the signals are sampled. Default 1 s.</summary>
    public TimeSpan SampleInterval { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(1);

    /// <summary>A score (0..1) at or above this enters Stressed. Default 0.6.</summary>
    public double StressedEnter { get; set { ThrowIfFrozen(); field = value; } } = 0.6;

    /// <summary>A Stressed node goes back to Normal only below this (lower than <see cref="StressedEnter"/>). Default 0.4.</summary>
    public double StressedExit { get; set { ThrowIfFrozen(); field = value; } } = 0.4;

    /// <summary>A score at or above this enters Severe. Default 0.85.</summary>
    public double SevereEnter { get; set { ThrowIfFrozen(); field = value; } } = 0.85;

    /// <summary>A Severe node goes back to Stressed only below this. Default 0.7.</summary>
    public double SevereExit { get; set { ThrowIfFrozen(); field = value; } } = 0.7;

    /// <summary>The least time between two level changes, so the level never flaps. Default 10 s.</summary>
    public TimeSpan MinDwell { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(10);

    /// <summary>Weight of the bulkhead saturation signal (busiest dependency). Default 1.</summary>
    public double SaturationWeight { get; set { ThrowIfFrozen(); field = value; } } = 1.0;

    /// <summary>Weight of the error-and-rejection rate signal. Default 1.</summary>
    public double ErrorRateWeight { get; set { ThrowIfFrozen(); field = value; } } = 1.0;

    /// <summary>Weight of the latency signal (mean call time against <see cref="LatencyTarget"/>). Default 1.</summary>
    public double LatencyWeight { get; set { ThrowIfFrozen(); field = value; } } = 1.0;

    /// <summary>Weight of the thread-pool signal (work items waiting: threads starved). Default 1.</summary>
    public double ProcessWeight { get; set { ThrowIfFrozen(); field = value; } } = 1.0;

    /// <summary>
    /// Weight of the CPU signal. CPU alone never counts for more than halfway between <see cref="StressedEnter"/> and
    /// <see cref="SevereEnter"/>: it can make the node Stressed, never Severe. Default 1.
    /// </summary>
    public double CpuWeight { get; set { ThrowIfFrozen(); field = value; } } = 1.0;

    /// <summary>Mean call time counted as fully stressed is twice this. Default 500 ms.</summary>
    public TimeSpan LatencyTarget { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromMilliseconds(500);

    /// <summary>Thread-pool work items waiting that count as fully stressed. Default 1000.</summary>
    public int ThreadPoolQueueLimit { get; set { ThrowIfFrozen(); field = value; } } = 1000;

    internal void Validate(string path, List<string> errors)
    {
        static bool Unit(double v) => v is >= 0 and <= 1 && !double.IsNaN(v);
        if (SampleInterval <= TimeSpan.Zero) errors.Add($"{path}:SampleInterval must be positive, not {SampleInterval}.");
        foreach (var (name, value) in new[] { ("StressedEnter", StressedEnter), ("StressedExit", StressedExit), ("SevereEnter", SevereEnter), ("SevereExit", SevereExit) })
            if (!Unit(value)) errors.Add($"{path}:{name} must be between 0 and 1, not {value}.");
        if (StressedExit >= StressedEnter) errors.Add($"{path}:StressedExit ({StressedExit}) must be below StressedEnter ({StressedEnter}).");
        if (SevereExit >= SevereEnter) errors.Add($"{path}:SevereExit ({SevereExit}) must be below SevereEnter ({SevereEnter}).");
        if (SevereEnter <= StressedEnter) errors.Add($"{path}:SevereEnter ({SevereEnter}) must be above StressedEnter ({StressedEnter}).");
        if (MinDwell < TimeSpan.Zero) errors.Add($"{path}:MinDwell must be 0 or more, not {MinDwell}.");
        foreach (var (name, value) in new[] { ("SaturationWeight", SaturationWeight), ("ErrorRateWeight", ErrorRateWeight), ("LatencyWeight", LatencyWeight), ("ProcessWeight", ProcessWeight), ("CpuWeight", CpuWeight) })
            if (value < 0 || double.IsNaN(value) || double.IsInfinity(value)) errors.Add($"{path}:{name} must be 0 or more, not {value}.");
        if (SaturationWeight + ErrorRateWeight + LatencyWeight + ProcessWeight + CpuWeight <= 0) errors.Add($"{path}: every signal weight is 0, so stress could never be seen.");
        if (LatencyTarget <= TimeSpan.Zero) errors.Add($"{path}:LatencyTarget must be positive, not {LatencyTarget}.");
        if (ThreadPoolQueueLimit < 1) errors.Add($"{path}:ThreadPoolQueueLimit must be at least 1, not {ThreadPoolQueueLimit}.");
    }
}
