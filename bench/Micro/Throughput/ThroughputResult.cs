namespace Orchestrator.Bench.Micro.Throughput;

/// <summary>
/// One way run by <paramref name="Callers"/> concurrent callers for the measured window: the calls completed in
/// it, over its real length in seconds; bytes allocated per call (process-wide, so everything else the process
/// allocated meanwhile counts too; null without calls); and calls/s over Polly's at the same number of callers
/// (null when Polly was not run). Over several rounds: the calls and seconds of all of them, the median calls/s and
/// bytes/call, the median of each round's ratio to Polly (measured close in time), and every round's calls/s.
/// </summary>
public sealed record ThroughputResult(
    string Way, int Callers, long Calls, double Seconds, double CallsPerSecond, double? BytesPerCall, double? RatioToPolly = null)
{
    /// <summary>Calls per second in each round, in the order they ran.</summary>
    public IReadOnlyList<double> RoundCallsPerSecond { get; init; } = [];
}
