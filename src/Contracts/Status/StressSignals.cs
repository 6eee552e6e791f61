namespace Orchestrator.Contracts;

/// <summary>One sample of the stress signals, each from 0 (idle) to 1 (saturated), with a word on where it comes from.</summary>
/// <param name="Saturation">The busiest dependency's bulkhead: calls admitted / (slots + queue).</param>
/// <param name="ErrorRate">Share of the calls since the last sample that failed, fell back or were rejected.</param>
/// <param name="Latency">Mean call time since the last sample against twice the latency target.</param>
/// <param name="Process">The node itself: thread-pool queue against its limit, or CPU use, whichever is higher.</param>
/// <param name="Notes">Where the highest values come from ("inventory bulkhead 95% full").</param>
public sealed record StressSignals(double Saturation, double ErrorRate, double Latency, double Process, IReadOnlyList<string> Notes)
{
    /// <summary>No stress at all.</summary>
    public static readonly StressSignals Calm = new(0, 0, 0, 0, []);
}

/// <summary>Where the priority coordinator reads its stress signals; the node's own source reads the dependencies and the process.</summary>
public interface IStressSignalSource
{
    /// <summary>Takes one sample.</summary>
    StressSignals Read();
}
