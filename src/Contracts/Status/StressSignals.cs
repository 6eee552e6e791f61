namespace Orchestrator.Contracts;

/// <summary>One sample of the stress signals, each from 0 (idle) to 1 (saturated), with a word on where it comes from.</summary>
/// <param name="Saturation">The busiest dependency's bulkhead: calls admitted / (slots + queue).</param>
/// <param name="ErrorRate">
/// Share of the calls since the last sample that failed, fell back or were rejected at the dependency (by its
/// breaker, bulkhead or timeout). Never the caller's own errors (<see cref="CallOutcome.Refused"/>: a dependency's
/// "not found" or "bad request") nor the node's own choices (a feature off, a call shed).
/// </param>
/// <param name="Latency">Mean call time since the last sample against twice the latency target.</param>
/// <param name="Process">The node's thread pool: work items waiting against their limit (starved threads).</param>
/// <param name="Notes">Where the highest values come from ("inventory bulkhead 95% full").</param>
public sealed record StressSignals(double Saturation, double ErrorRate, double Latency, double Process, IReadOnlyList<string> Notes)
{
    /// <summary>No stress at all.</summary>
    public static readonly StressSignals Calm = new(0, 0, 0, 0, []);

    /// <summary>
    /// The process's CPU use (0..1). On its own it never raises the level past Stressed: a busy but healthy node
    /// (latency, errors, bulkheads and thread pool all fine) keeps its IMPORTANT features.
    /// </summary>
    public double Cpu { get; init; }

    /// <summary>Where each signal's value comes from, by signal (see <see cref="StressSignal"/>): "inventory bulkhead 95% full (19 of 20)".</summary>
    public IReadOnlyDictionary<StressSignal, string> Sources { get; init; } = new Dictionary<StressSignal, string>();
}

/// <summary>The stress signals, by name.</summary>
public enum StressSignal
{
    /// <summary>The busiest dependency's bulkhead.</summary>
    Saturation,
    /// <summary>Calls that degraded.</summary>
    ErrorRate,
    /// <summary>Mean call time.</summary>
    Latency,
    /// <summary>The thread pool's queue.</summary>
    ThreadPool,
    /// <summary>The process's CPU use.</summary>
    Cpu,
    /// <summary>Another node of the cluster is at a higher level (when stress is shared); not a signal of this node's own.</summary>
    Cluster,
}

/// <summary>Where the priority coordinator reads its stress signals; the node's own source reads the dependencies and the process.</summary>
public interface IStressSignalSource
{
    /// <summary>Takes one sample.</summary>
    StressSignals Read();
}
