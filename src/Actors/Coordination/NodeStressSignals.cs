using System.Diagnostics;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Coordination;

/// <summary>
/// The node's own stress signals, read without any message: each dependency's bulkhead gate and call counts
/// (saturation, error rate, mean latency since the last sample), the thread pool's queue and the process's CPU use.
/// Each signal says where its value comes from. Not thread-safe: read by the coordinator only.
/// </summary>
internal sealed class NodeStressSignals(DependencyDirectory directory, StressOptions options, TimeProvider time) : IStressSignalSource
{
    /// <summary>
    /// Fewer calls than this in a sample say nothing about the error rate or the mean latency: one slow or failed call
    /// on a quiet node (a caller's request that hung until its timeout) must not switch features off for everyone.
    /// </summary>
    public const int MinimumCallsToJudge = 20;

    private readonly Dictionary<string, (CallCounters Calls, long Troubled, TimeSpan Elapsed)> _last = new(StringComparer.Ordinal);
    private TimeSpan _lastCpu = Process.GetCurrentProcess().TotalProcessorTime;
    private long _lastTimestamp = time.GetTimestamp();

    /// <inheritdoc />
    public StressSignals Read()
    {
        var notes = new List<string>();
        var sources = new Dictionary<StressSignal, string>();
        double saturation = 0, errors = 0, latency = 0;
        long answered = 0, bad = 0;
        var troubledBy = new List<(string Name, long Bad, long Calls)>();
        var elapsed = TimeSpan.Zero;
        foreach (var name in directory.Names)
        {
            var handle = directory.Handles[name];
            var bulkhead = handle.Options.Bulkhead; // one snapshot: the options may change meanwhile
            var room = bulkhead.MaxConcurrency + bulkhead.QueueCapacity;
            var admitted = handle.Gate.Admitted;
            var full = Math.Min(1, (double)admitted / room);
            if (full > saturation || !sources.ContainsKey(StressSignal.Saturation))
            {
                saturation = full; // the busiest one counts
                sources[StressSignal.Saturation] = $"{name} bulkhead {full:0%} full ({admitted} of {room})";
            }
            if (full >= 0.5) notes.Add($"{name} bulkhead {full:0%} full");
            var calls = handle.Stats.Snapshot();
            var troubled = handle.Stats.Troubled;
            var total = handle.Stats.TotalElapsed;
            if (_last.TryGetValue(name, out var last))
            {
                var n = Count(calls) - Count(last.Calls);
                // Calls the node turned away itself (feature off, shed) and the caller's own errors (refused) are not trouble at the dependency.
                var b = troubled - last.Troubled;
                answered += n;
                bad += b;
                elapsed += total - last.Elapsed;
                if (n >= MinimumCallsToJudge && (double)b / n >= 0.5) notes.Add($"{name}: {b} of {n} calls degraded");
                if (b > 0) troubledBy.Add((name, b, n));
            }
            _last[name] = (calls, troubled, total);
        }
        if (answered > 0)
        {
            errors = answered >= MinimumCallsToJudge ? (double)bad / answered : 0;
            sources[StressSignal.ErrorRate] = answered >= MinimumCallsToJudge
                ? $"{bad} of {answered} calls degraded at the dependency (failed, timed out or turned away by its guard){Worst(troubledBy)}"
                : $"{Calls(answered)}, too few to judge (fewer than {MinimumCallsToJudge})";
            var mean = elapsed.TotalMilliseconds / answered;
            if (answered >= MinimumCallsToJudge)
            {
                latency = Math.Min(1, mean / (2 * options.LatencyTarget.TotalMilliseconds));
                sources[StressSignal.Latency] = $"mean call time {mean:0} ms against a target of {options.LatencyTarget.TotalMilliseconds:0} ms";
                if (latency >= 0.5) notes.Add($"mean call time {mean:0} ms");
            }
            else sources[StressSignal.Latency] = $"{Calls(answered)} (mean {mean:0} ms), too few to judge (fewer than {MinimumCallsToJudge})";
        }

        var pending = ThreadPool.PendingWorkItemCount;
        var queue = Math.Min(1, (double)pending / options.ThreadPoolQueueLimit);
        sources[StressSignal.ThreadPool] = $"{pending} work items waiting, of {options.ThreadPoolQueueLimit}";
        var cpuNow = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = time.GetElapsedTime(_lastTimestamp);
        var cpu = wall > TimeSpan.Zero ? Math.Min(1, (cpuNow - _lastCpu).TotalMilliseconds / (wall.TotalMilliseconds * Environment.ProcessorCount)) : 0;
        _lastCpu = cpuNow;
        _lastTimestamp = time.GetTimestamp();
        sources[StressSignal.Cpu] = $"the process, on {Environment.ProcessorCount} cores";
        if (queue >= 0.5) notes.Add($"thread-pool queue {pending}");
        if (cpu >= 0.8) notes.Add($"CPU {cpu:0%}");

        return new StressSignals(saturation, errors, latency, queue, notes) { Cpu = cpu, Sources = sources };
    }

    /// <summary>The dependencies with the most degraded calls, at most three: "; inventory: 21 of 21, reviews: 3 of 11".</summary>
    private static string Worst(List<(string Name, long Bad, long Calls)> troubled) => troubled.Count == 0
        ? ""
        : "; " + string.Join(", ", troubled.OrderByDescending(t => t.Bad).Take(3).Select(t => $"{t.Name}: {t.Bad} of {t.Calls}"));

    private static string Calls(long n) => n == 1 ? "1 call" : $"{n} calls";

    private static long Count(CallCounters c) => c.Succeeded + c.Fallbacks + c.Rejected + c.Failed + c.Refused;
}
