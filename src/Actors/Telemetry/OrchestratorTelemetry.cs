namespace Orchestrator.Actors.Telemetry;

/// <summary>
/// The names to give OpenTelemetry (or any listener) to receive the orchestrator's metrics and spans:
/// <c>.AddMeter(OrchestratorTelemetry.MeterName)</c> and <c>.AddSource(OrchestratorTelemetry.ActivitySourceName)</c>.
/// The instruments are listed in docs/operations.md.
/// </summary>
public static class OrchestratorTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> every instrument is on.</summary>
    public const string MeterName = OrchestratorMetrics.MeterName;

    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> of the guarded calls' spans.</summary>
    public const string ActivitySourceName = OrchestratorTracing.SourceName;
}
