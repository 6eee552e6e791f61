using System.Diagnostics;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Coordination;

/// <summary>
/// The node's own stress signals, read without any message: each dependency's bulkhead gate and call counts
/// (saturation, error rate, mean latency since the last sample) and the process (thread-pool queue, CPU).
/// Not thread-safe: read by the coordinator only.
/// </summary>
public sealed class NodeStressSignals(DependencyDirectory directory, StressOptions options, TimeProvider time) : IStressSignalSource
{
    /// <summary>Fewer calls than this in a sample say nothing about the error rate.</summary>
    public const int MinimumCallsForErrorRate = 20;

    private readonly Dictionary<string, (CallCounters Calls, long Troubled, TimeSpan Elapsed)> _last = new(StringComparer.Ordinal);
    private TimeSpan _lastCpu = Process.GetCurrentProcess().TotalProcessorTime;
    private long _lastTimestamp = time.GetTimestamp();

    /// <inheritdoc />
    public StressSignals Read()
    {
        var notes = new List<string>();
        double saturation = 0, errors = 0, latency = 0;
        long answered = 0, bad = 0;
        var elapsed = TimeSpan.Zero;
        foreach (var name in directory.Names)
        {
            var handle = directory.Handles[name];
            var room = handle.Options.Bulkhead.MaxConcurrency + handle.Options.Bulkhead.QueueCapacity;
            var full = Math.Min(1, (double)handle.Gate.Admitted / room);
            if (full > saturation)
            {
                saturation = full;
                if (full >= 0.5) notes.Add($"{name} bulkhead {full:P0} full");
            }
            var calls = handle.Stats.Snapshot();
            var troubled = handle.Stats.Troubled;
            var total = handle.Stats.TotalElapsed;
            if (_last.TryGetValue(name, out var last))
            {
                var n = Count(calls) - Count(last.Calls);
                // Calls the node turned away itself (feature off, shed) are not trouble at the dependency.
                var b = troubled - last.Troubled;
                answered += n;
                bad += b;
                elapsed += total - last.Elapsed;
                if (n >= MinimumCallsForErrorRate && (double)b / n >= 0.5) notes.Add($"{name}: {b} of {n} calls degraded");
            }
            _last[name] = (calls, troubled, total);
        }
        if (answered > 0)
        {
            errors = answered >= MinimumCallsForErrorRate ? (double)bad / answered : 0;
            latency = Math.Min(1, elapsed.TotalMilliseconds / answered / (2 * options.LatencyTarget.TotalMilliseconds));
            if (latency >= 0.5) notes.Add($"mean call time {elapsed.TotalMilliseconds / answered:0} ms");
        }

        var queue = Math.Min(1, (double)ThreadPool.PendingWorkItemCount / options.ThreadPoolQueueLimit);
        var cpuNow = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = time.GetElapsedTime(_lastTimestamp);
        var cpu = wall > TimeSpan.Zero ? Math.Min(1, (cpuNow - _lastCpu).TotalMilliseconds / (wall.TotalMilliseconds * Environment.ProcessorCount)) : 0;
        _lastCpu = cpuNow;
        _lastTimestamp = time.GetTimestamp();
        var process = Math.Max(queue, cpu);
        if (queue >= 0.5) notes.Add($"thread-pool queue {ThreadPool.PendingWorkItemCount}");
        if (cpu >= 0.8) notes.Add($"CPU {cpu:P0}");

        return new StressSignals(saturation, errors, latency, process, notes);
    }

    private static long Count(CallCounters c) => c.Succeeded + c.Fallbacks + c.Rejected + c.Failed;
}
