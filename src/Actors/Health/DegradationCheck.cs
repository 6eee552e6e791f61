using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orchestrator.Actors.Health;

/// <summary>
/// The <c>degradation</c> health check: <see cref="DegradationHealth"/>'s verdict (Healthy, Degraded, Unhealthy) on
/// this node's orchestrator, from what it publishes (no message to any actor), with the tiers, features and breakers
/// behind it in its data. Tagged <c>degradation</c> only: <c>/health/ready</c> and <c>/health/live</c> do not run it.
/// A degraded node still serves, and so does one whose CRITICAL dependency is down: every node shares that
/// dependency, so taking them out of rotation would turn a partial failure into a total one (docs/operations.md).
/// </summary>
public sealed class DegradationCheck(ActorSystem system) : IHealthCheck
{
    /// <summary>The check's name and tag.</summary>
    public const string Name = "degradation";

    private readonly DegradationHealth _health = new();

    /// <summary>The verdict now; null while the orchestrator has not started.</summary>
    public DegradationReport? Evaluate() => _health.Evaluate(system);

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (Evaluate() is not { } report) return Task.FromResult(HealthCheckResult.Unhealthy("the orchestrator has not started"));
        var data = new Dictionary<string, object>
        {
            ["disabledTiers"] = report.DisabledTiers,
            ["disabledFeatures"] = report.DisabledFeatures,
            ["breakers"] = report.Breakers,
            ["criticalDependencies"] = report.CriticalDependencies,
        };
        var description = report.Reasons.Count == 0 ? "every tier and feature is on, every breaker closed" : string.Join("; ", report.Reasons);
        return Task.FromResult(report.State switch
        {
            DegradationState.Healthy => HealthCheckResult.Healthy(description, data),
            DegradationState.Degraded => HealthCheckResult.Degraded(description, data: data),
            _ => HealthCheckResult.Unhealthy(description, data: data),
        });
    }
}

/// <summary>Adds the orchestrator's <see cref="DegradationCheck"/> to a host's health checks.</summary>
public static class DegradationCheckExtensions
{
    /// <summary>
    /// Adds the <c>degradation</c> health check (tagged <c>degradation</c> only, so that readiness and liveness
    /// probes filtered by tag do not run it): Healthy, Degraded while tiers or features are off or breakers open,
    /// Unhealthy while a CRITICAL dependency's breaker is open. The host must have started the orchestrator
    /// (<c>WithOrchestrator</c>); the check is Unhealthy until it has. Calling it twice is harmless.
    /// </summary>
    public static IHealthChecksBuilder AddOrchestratorDegradation(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(DegradationCheck))) return builder;
        builder.Services.AddSingleton<DegradationCheck>();
        return builder.AddCheck<DegradationCheck>(DegradationCheck.Name, tags: [DegradationCheck.Name]);
    }
}
