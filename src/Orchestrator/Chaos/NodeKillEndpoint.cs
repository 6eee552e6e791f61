using System.Diagnostics;
using Akka.Actor;
using Orchestrator.Contracts;
using Orchestrator.Node.Api;

namespace Orchestrator.Node.Chaos;

/// <summary>
/// <c>POST /api/node/kill</c>: this node's process ends at once, once the answer (202) is sent, as <c>kill -9</c> would
/// end it: no leaving the cluster, no shutdown, nothing flushed. The other members find it unreachable and down it.
/// It is how a chaos experiment kills one node of a cluster ("kill": true). An operator endpoint, refused with 403 when
/// <c>Orchestrator:Chaos:Enabled</c> is false.
/// </summary>
public static class NodeKillEndpoint
{
    public const string Path = "/api/node/kill";

    /// <summary>The answer before the node dies.</summary>
    public sealed record KillAnswer(string Node, int ProcessId, string Detail);

    /// <summary>Maps the kill endpoint.</summary>
    public static IEndpointRouteBuilder MapNodeKill(this IEndpointRouteBuilder app, OrchestratorOptions options)
    {
        app.MapPost(Path, (HttpContext context, ActorSystem system, ILoggerFactory logs) =>
        {
            if (!options.Chaos.Enabled)
                return ErrorBody.Result(StatusCodes.Status403Forbidden,
                    $"Killing the node is chaos, switched off on this node ({OrchestratorOptions.SectionName}:Chaos:Enabled is false).");
            var node = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString();
            using var process = Process.GetCurrentProcess();
            var pid = process.Id;
            logs.CreateLogger(typeof(NodeKillEndpoint)).LogWarning(
                "Node {Node} (process {ProcessId}) is killed by a chaos request from {Caller}: it ends at once, without leaving the cluster",
                node, pid, context.Connection.RemoteIpAddress);
            context.Response.OnCompleted(() =>
            {
                // After the answer is on its way: the process ends with SIGKILL, as kill -9 would end it.
                _ = Task.Run(async () =>
                {
                    await Task.Delay(100);
                    using var self = Process.GetCurrentProcess();
                    self.Kill();
                });
                return Task.CompletedTask;
            });
            return Results.Json(new KillAnswer(node, pid, "The node's process ends now, without leaving the cluster."), statusCode: StatusCodes.Status202Accepted);
        }).RequireOperator();
        return app;
    }
}
