using Akka.Actor;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orchestrator.Node.Lifecycle;

/// <summary>
/// The node's health checks (ASP.NET Core health checks), tagged <see cref="Live"/> and/or <see cref="Ready"/>:
/// <c>/health/live</c> runs the first, <c>/health/ready</c> the second.
/// </summary>
public static class NodeHealthChecks
{
    /// <summary>The tag of the checks <c>/health/live</c> runs: is the process worth keeping?</summary>
    public const string Live = "live";

    /// <summary>The tag of the checks <c>/health/ready</c> runs: should requests be sent here now?</summary>
    public const string Ready = "ready";

    /// <summary>Registers the checks.</summary>
    public static IServiceCollection AddNodeHealthChecks(this IServiceCollection services)
    {
        var checks = services.AddHealthChecks()
            .AddCheck<ActorSystemCheck>("actor-system", tags: [Live, Ready])
            .AddCheck<LifecycleCheck>("lifecycle", tags: [Ready])
            .AddCheck<ClusterCheck>("cluster", tags: [Ready]);
        // The parts NodeReadiness checks on its own loop: each shown as it was last checked.
        foreach (var part in new[] { "write-queue", "order-book", "storage", "warm-up" })
            checks.Add(new HealthCheckRegistration(part, sp => new PartCheck(sp.GetRequiredService<NodeReadiness>(), part), null, [Ready]));
        return services;
    }

    /// <summary>The actor system runs (not terminated).</summary>
    public sealed class ActorSystemCheck(ActorSystem system) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(system.WhenTerminated.IsCompleted
                ? HealthCheckResult.Unhealthy("the actor system has terminated")
                : HealthCheckResult.Healthy($"actor system {system.Name} runs"));
    }

    /// <summary>The host has started and is not stopping.</summary>
    public sealed class LifecycleCheck(NodeLifecycle lifecycle) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(lifecycle.IsReady
                ? HealthCheckResult.Healthy("started")
                : HealthCheckResult.Unhealthy(lifecycle.IsLeaving ? "the node is stopping" : "the node is starting"));
    }

    /// <summary>An Up member that sees a majority of the cluster (<see cref="ClusterReadiness"/>).</summary>
    public sealed class ClusterCheck(ClusterReadiness cluster) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(cluster.WhyNotServing() is { } why ? HealthCheckResult.Unhealthy(why) : HealthCheckResult.Healthy("Up, with a majority reachable"));
    }

    /// <summary>One part that <see cref="NodeReadiness"/> checks on its loop (the write queue, the order book, the disk, the warm-up), as last checked.</summary>
    public sealed class PartCheck(NodeReadiness readiness, string part) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(readiness.Parts.FirstOrDefault(p => p.Name == part) is { Problem: { } problem }
                ? HealthCheckResult.Unhealthy(problem)
                : HealthCheckResult.Healthy(part switch
                {
                    "write-queue" => "recovered, answers",
                    "order-book" => "its orders loaded, answers",
                    "storage" => "room on the disk",
                    _ => "done",
                }));
    }
}
