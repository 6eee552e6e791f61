using Akka.Actor;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Akka.Hosting;
using Orchestrator.Actors.Client;
using Orchestrator.Clustering;
using Orchestrator.Actors.Coordination;
using Orchestrator.WriteQueue;
using Orchestrator.Contracts;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Api;

/// <summary>
/// <c>GET /api/status</c> (node and dependencies), and the operator's breaker commands
/// <c>POST /api/dependencies/{name}/isolate</c> and <c>/reset</c>.
/// </summary>
public static class StatusEndpoints
{
    /// <summary>The answer to a breaker command.</summary>
    public sealed record BreakerCommandResult(string Dependency, Contracts.BreakerState State);

    /// <summary>Maps the status API.</summary>
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/status", async (IGuardedCalls calls, IRequiredActor<PriorityCoordinator> coordinator, ActorRegistry registry, ActorSystem system,
            NodeClock clock, IServer server, IWriteQueue writeQueue, CancellationToken ct) =>
        {
            var status = await calls.StatusAsync(ct);
            var degradation = await (await coordinator.GetAsync(ct)).Ask<DegradationStatus>(GetDegradation.Instance, TimeSpan.FromSeconds(5), ct);
            // Configuration sorts keys, so show the demo's services in their natural order, then any others by name.
            var dependencies = status.Dependencies
                .OrderBy(d => DemoServices.Order(d.Name) is var i and >= 0 ? i : int.MaxValue)
                .ThenBy(d => d.Name, StringComparer.Ordinal)
                .ToList();
            var cluster = registry.TryGet<ClusterStateActor>(out var clusterState)
                ? await clusterState.Ask<ClusterStatus>(GetClusterStatus.Instance, TimeSpan.FromSeconds(5), ct)
                : null;
            var writes = await WriteQueueStatusAsync(writeQueue, ct);
            return Results.Ok(new NodeStatus(Node(system, clock, server), dependencies, degradation, degradation.Admission, cluster, writes));
        });

        var dependencies = app.MapGroup("/api/dependencies");
        dependencies.MapPost("/{name}/isolate", (string name, IGuardedCalls calls, CancellationToken ct) =>
            Command(name, calls.IsolateAsync, ct)).RequireOperator();
        dependencies.MapPost("/{name}/reset", (string name, IGuardedCalls calls, CancellationToken ct) =>
            Command(name, calls.ResetAsync, ct)).RequireOperator();
        return app;
    }

    private static async Task<IResult> Command(string name, Func<string, CancellationToken, Task<Contracts.BreakerCommandResult>> command, CancellationToken ct)
    {
        var result = await command(name, ct);
        return result is { Accepted: true, State: { } state }
            ? Results.Ok(new BreakerCommandResult(name, state))
            : ErrorBody.NotFound(result.Error ?? $"The breaker of '{name}' did not take the command.");
    }

    /// <summary>The write queue's status; null while it does not answer (it restarts after a failure of its database).</summary>
    private static async Task<WriteQueueStatus?> WriteQueueStatusAsync(IWriteQueue queue, CancellationToken ct)
    {
        try
        {
            return await queue.StatusAsync(ct);
        }
        catch (Exception e) when (e is InvalidOperationException or AskTimeoutException)
        {
            return null;
        }
    }

    private static NodeInfo Node(ActorSystem system, NodeClock clock, IServer server)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var state = cluster.State;
        var members = state.Members
            .Select(m => new ClusterMemberInfo(m.Address.ToString(), m.Status.ToString(), !state.Unreachable.Contains(m)))
            .ToList();
        return new NodeInfo(
            system.Name,
            cluster.SelfAddress.ToString(),
            cluster.SelfMember.Status.ToString(),
            state.Leader?.ToString(),
            members,
            cluster.SelfRoles.ToList(),
            server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [],
            clock.StartedAt,
            Math.Round(clock.Uptime.TotalSeconds, 3));
    }
}
