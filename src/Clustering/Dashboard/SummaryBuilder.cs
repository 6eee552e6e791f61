using Orchestrator.Actors.Observability;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Clustering.Dashboard;

/// <summary>
/// Builds a node's <see cref="NodeSummary"/> from what its orchestrator publishes (<see cref="TelemetrySource"/>:
/// breaker boards, bulkhead slots, the coordinator's board, the load shedder), the write queue's gauge and the
/// <see cref="CallWindow"/>: no message to any actor.
/// </summary>
internal static class SummaryBuilder
{
    /// <summary>The summary of the node at <paramref name="node"/>; without an orchestrator (not started yet) it lists no dependency.</summary>
    public static NodeSummary Build(string node, TelemetrySource? source, CallWindow calls, DateTimeOffset now)
    {
        var queue = WriteQueue(now);
        if (source is null) return new NodeSummary(node, now, nameof(StressLevel.Normal), [], [], [], null, queue);
        var board = source.Controls.Board.Current;
        var dependencies = new List<DependencySummary>(source.Directory.Names.Count);
        foreach (var name in source.Directory.Names)
        {
            if (!source.Directory.Handles.TryGetValue(name, out var handle)) continue;
            var state = handle.Breaker.State;
            var rates = calls.Rates(name);
            dependencies.Add(new DependencySummary(name, handle.Gate.IsClosed ? "Stopped" : state.ToString(),
                // Open with no end of its own: the breaker follows the cluster's view.
                state == BreakerState.Open && handle.Breaker.OpenUntil is null,
                rates.CallsPerSecond, rates.FailureRate, rates.P99Ms, handle.Slots.InFlight, handle.Slots.MaxConcurrency, handle.Slots.Queued)
            {
                Fault = handle.Fault?.Fault.ToString(),
            });
        }
        var features = board.Features.Select(f => new FeatureSummary(f.Name, f.Tier.ToString(), f.Enabled, f.Switch.ToString())).ToList();
        var shedder = source.Controls.Admission is { } admission ? new ShedderSummary(admission.InFlight, admission.Limit) : null;
        return new NodeSummary(node, now, board.Level.ToString(), board.DisabledTiers.Select(t => t.ToString()).ToList(), features, dependencies, shedder, queue)
        {
            StressReasons = board.Reasons.Select(r => r.Description).ToList(),
        };
    }

    /// <summary>The write queues of the process (normally one): their depth and oldest waiting write.</summary>
    private static WriteQueueSummary? WriteQueue(DateTimeOffset now)
    {
        var queues = WriteQueueGauges.All;
        if (queues.Count == 0) return null;
        DateTimeOffset? oldest = null;
        var depth = 0;
        foreach (var queue in queues)
        {
            depth += queue.Depth;
            if (queue.OldestAt is { } at && (oldest is null || at < oldest)) oldest = at;
        }
        return new WriteQueueSummary(depth, oldest is { } o ? Math.Round(Math.Max(0, (now - o).TotalSeconds), 1) : null);
    }
}
