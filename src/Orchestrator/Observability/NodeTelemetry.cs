using Orchestrator.Actors.Health;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orchestrator.Actors.Telemetry;

namespace Orchestrator.Node.Observability;

/// <summary>
/// The node's observability: OpenTelemetry metrics (the <c>Orchestrator</c> meter, ASP.NET Core's and HttpClient's)
/// scraped at <c>GET /metrics</c> in Prometheus' format, and traces (the <c>Orchestrator</c> activity source, ASP.NET
/// Core requests, HttpClient calls); both also exported over OTLP when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
/// is set (with the other standard <c>OTEL_EXPORTER_OTLP_*</c> settings). Plus the <c>degradation</c> health check
/// (<see cref="DegradationCheck"/>), which no readiness or liveness probe runs.
/// </summary>
public static class NodeTelemetry
{
    /// <summary>The service name the node's telemetry carries (unless <c>OTEL_SERVICE_NAME</c> says otherwise).</summary>
    public const string ServiceName = "orchestrator";

    /// <summary>The path of the Prometheus scrape endpoint.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The standard setting that turns OTLP export on.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Registers metrics, traces and the degradation check; an invalid OTLP endpoint stops the node, naming the setting.</summary>
    public static WebApplicationBuilder AddNodeTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = OtlpEndpoint(builder.Configuration);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OrchestratorMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddPrometheusExporter();
                if (otlp) metrics.AddOtlpExporter();
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(OrchestratorTracing.SourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path))
                    .AddHttpClientInstrumentation();
                if (otlp) tracing.AddOtlpExporter();
            });
        builder.Services.AddHealthChecks().AddOrchestratorDegradation();
        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c> (Prometheus) and <c>GET /health/degradation</c>.</summary>
    public static WebApplication MapNodeTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        app.MapDegradationHealth();
        return app;
    }

    /// <summary>Scrapes and probes, kept out of the traces: they come constantly and say nothing about a request.</summary>
    private static bool IsProbe(PathString path) => path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/health");

    /// <summary>Whether OTLP export is on; a set endpoint that is not an absolute http(s) URI stops the node.</summary>
    private static bool OtlpEndpoint(IConfiguration configuration)
    {
        var value = configuration[OtlpEndpointSetting];
        if (string.IsNullOrWhiteSpace(value)) return false;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)) return true;
        throw new Configuration.NodeConfigurationException([$"{OtlpEndpointSetting} must be an absolute http or https URI (the OTLP collector), not '{value}'."]);
    }
}
