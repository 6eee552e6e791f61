using Akka.Actor;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orchestrator.WriteQueue;

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

    /// <summary>How long the write queue may take to answer the readiness check.</summary>
    public static readonly TimeSpan WriteQueueCheckTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Registers the checks.</summary>
    public static IServiceCollection AddNodeHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<ActorSystemCheck>("actor-system", tags: [Live, Ready])
            .AddCheck<LifecycleCheck>("lifecycle", tags: [Ready])
            .AddCheck<ClusterCheck>("cluster", tags: [Ready])
            .AddCheck<WriteQueueCheck>("write-queue", tags: [Ready]);
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
                : HealthCheckResult.Unhealthy(lifecycle.IsStopping ? "the node is stopping" : "the node is starting"));
    }

    /// <summary>An Up member that sees a majority of the cluster (<see cref="ClusterReadiness"/>).</summary>
    public sealed class ClusterCheck(ClusterReadiness cluster) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(cluster.WhyNotServing() is { } why ? HealthCheckResult.Unhealthy(why) : HealthCheckResult.Healthy("Up, with a majority reachable"));
    }

    /// <summary>The write queue has recovered its journal and answers.</summary>
    public sealed class WriteQueueCheck(IWriteQueue queue) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(WriteQueueCheckTimeout);
            try
            {
                var status = await queue.StatusAsync(limit.Token);
                return HealthCheckResult.Healthy($"recovered: {status.Depth} waiting, {status.Poisoned} poisoned");
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or AskTimeoutException)
            {
                return HealthCheckResult.Unhealthy($"the write queue does not answer (recovering its journal, or restarting after a database failure): {e.Message}");
            }
        }
    }
}
