using System.Diagnostics.Metrics;
using Orchestrator.Clustering.Dashboard;
using Orchestrator.Actors.Telemetry;

namespace Orchestrator.Node.Dashboard;

/// <summary>
/// Feeds the dashboard's <see cref="CallWindow"/> from the <c>Orchestrator</c> meter: every measurement of
/// <c>orchestrator.call.duration</c> (one per answered call, tagged with its dependency and outcome). It listens to
/// the process's meter: a process that runs several nodes (in-process tests) counts their calls together.
/// </summary>
internal sealed class CallListener : IDisposable
{
    private const string Instrument = "orchestrator.call.duration";
    private readonly MeterListener _listener = new();

    /// <summary>Starts listening.</summary>
    public CallListener(CallWindow window)
    {
        Window = window;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == OrchestratorMetrics.MeterName && instrument.Name == Instrument) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            string? dependency = null, outcome = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "dependency") dependency = tag.Value as string;
                else if (tag.Key == "outcome") outcome = tag.Value as string;
            }
            // A refusal (the caller's error) is the dependency answering: not a failure.
            if (dependency is not null) Window.Record(dependency, outcome is "Succeeded" or "Refused", seconds);
        });
        _listener.Start();
    }

    /// <summary>The window it feeds.</summary>
    public CallWindow Window { get; }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
