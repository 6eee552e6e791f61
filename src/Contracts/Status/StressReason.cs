using System.Globalization;

namespace Orchestrator.Contracts;

/// <summary>
/// One reason the node is above Normal: a signal, its value, and the threshold it reached. While a level is entered
/// the threshold is the level's entry score; while it is held, its exit score (hysteresis). A level held only by the
/// minimum dwell time keeps the reasons of the last sample that held it (see <see cref="MeasuredAt"/>).
/// </summary>
/// <param name="Signal">The signal.</param>
/// <param name="Value">Its weighted value (0..1), the number compared with the threshold; null for <see cref="StressSignal.Cluster"/>.</param>
/// <param name="Threshold">The score it reached or held; null for <see cref="StressSignal.Cluster"/>.</param>
/// <param name="Source">Where the value comes from ("32 of 32 calls degraded; inventory: 21 of 21").</param>
/// <param name="MeasuredAt">The sample that measured it.</param>
public sealed record StressReason(StressSignal Signal, double? Value, double? Threshold, string Source, DateTimeOffset MeasuredAt)
{
    /// <summary>The reason as a sentence: "error rate 100% at or above 85%: 32 of 32 calls degraded".</summary>
    public string Description => Value is { } value && Threshold is { } threshold
        ? string.Create(CultureInfo.InvariantCulture, $"{NameOf(Signal)} {value:0%} at or above {threshold:0%}: {Source}")
        : $"{NameOf(Signal)}: {Source}";

    /// <inheritdoc />
    public override string ToString() => Description;

    /// <summary>The signal's name as people read it.</summary>
    public static string NameOf(StressSignal signal) => signal switch
    {
        StressSignal.Saturation => "bulkhead saturation",
        StressSignal.ErrorRate => "error rate",
        StressSignal.Latency => "latency",
        StressSignal.ThreadPool => "thread-pool queue",
        StressSignal.Cpu => "CPU",
        _ => "cluster",
    };
}
