using System.Diagnostics;
using System.Diagnostics.Metrics;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Observability;

/// <summary>
/// The observable instruments that read what running orchestrators publish (<see cref="TelemetrySources"/>), on the
/// <c>Orchestrator</c> meter: breaker state, bulkhead in flight and queued, load shedder, stress level, tiers and
/// features enabled (the cluster package adds members by status). Their callbacks run on the exporter's thread (a Prometheus scrape,
/// an OTLP export) and read volatile fields and immutable snapshots only: no lock, no message, no ask.
/// </summary>
/// <remarks>Tag values come from configuration (dependency and feature names) and enums, never from a request.</remarks>
internal static class OrchestratorGauges
{
    private static readonly string[] TierNames = Enum.GetValues<Tier>().Select(t => t.ToString()).ToArray();

    static OrchestratorGauges()
    {
        var meter = OrchestratorMetrics.Instance;
        meter.CreateObservableGauge("orchestrator.breaker.state", ObserveBreakers, "{state}",
            "The state of each dependency's circuit breaker: 0 closed, 1 open, 2 half-open, 3 isolated.");
        meter.CreateObservableUpDownCounter("orchestrator.bulkhead.in_flight", ObserveInFlight, "{call}",
            "Calls holding a running place of each dependency's bulkhead.");
        meter.CreateObservableUpDownCounter("orchestrator.bulkhead.queued", ObserveQueued, "{call}",
            "Calls waiting in each dependency's bulkhead queue.");
        meter.CreateObservableUpDownCounter("orchestrator.admission.in_flight", ObserveAdmissionInFlight, "{call}",
            "Guarded calls in flight in the node's load shedder (only when it is enabled).");
        meter.CreateObservableGauge("orchestrator.admission.limit", ObserveAdmissionLimit, "{call}",
            "The load shedder's limit now (it moves when adaptive; only when it is enabled).");
        meter.CreateObservableGauge("orchestrator.stress.level", ObserveStress, "{level}",
            "The stress level the node acts on: 0 normal, 1 stressed, 2 severe.");
        meter.CreateObservableGauge("orchestrator.tier.enabled", ObserveTiers, "{tier}",
            "Whether calls of each tier are switched on (1) or off by the stress level (0).");
        meter.CreateObservableGauge("orchestrator.feature.enabled", ObserveFeatures, "{feature}",
            "Whether each declared feature is switched on (1) or off (0), with its tier.");
    }

    /// <summary>Makes sure the instruments exist.</summary>
    internal static void EnsureCreated()
    {
    }

    private static IEnumerable<Measurement<int>> ObserveBreakers() =>
        PerDependency(handle => (int)handle.Breaker.State);

    private static IEnumerable<Measurement<int>> ObserveInFlight() => PerDependency(handle => handle.Slots.InFlight);

    private static IEnumerable<Measurement<int>> ObserveQueued() => PerDependency(handle => handle.Slots.Queued);

    private static IEnumerable<Measurement<int>> PerDependency(Func<Dependencies.DependencyHandle, int> read)
    {
        foreach (var source in TelemetrySources.Orchestrators)
            foreach (var name in source.Directory.Names)
                if (source.Directory.Handles.TryGetValue(name, out var handle))
                    yield return new Measurement<int>(read(handle), new TagList { { "dependency", name } });
    }

    private static IEnumerable<Measurement<int>> ObserveAdmissionInFlight()
    {
        foreach (var source in TelemetrySources.Orchestrators)
            if (source.Controls.Admission is { } admission) yield return new Measurement<int>(admission.InFlight);
    }

    private static IEnumerable<Measurement<int>> ObserveAdmissionLimit()
    {
        foreach (var source in TelemetrySources.Orchestrators)
            if (source.Controls.Admission is { } admission) yield return new Measurement<int>(admission.Limit);
    }

    private static IEnumerable<Measurement<int>> ObserveStress()
    {
        foreach (var source in TelemetrySources.Orchestrators)
            yield return new Measurement<int>((int)source.Controls.Board.Current.Level);
    }

    private static IEnumerable<Measurement<int>> ObserveTiers()
    {
        foreach (var source in TelemetrySources.Orchestrators)
        {
            var disabled = source.Controls.Board.Current.DisabledTiers;
            foreach (var tier in Enum.GetValues<Tier>())
                yield return new Measurement<int>(disabled.Contains(tier) ? 0 : 1, new TagList { { "tier", TierNames[(int)tier] } });
        }
    }

    private static IEnumerable<Measurement<int>> ObserveFeatures()
    {
        foreach (var source in TelemetrySources.Orchestrators)
            foreach (var feature in source.Controls.Board.Current.Features)
                yield return new Measurement<int>(feature.Enabled ? 1 : 0,
                    new TagList { { "feature", feature.Name }, { "tier", TierNames[(int)feature.Tier] } });
    }
}
