using System.Diagnostics;
using System.Runtime.InteropServices;
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
    public const string Path = Orchestrator.Experiments.NodePaths.Kill;

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
            var pid = Environment.ProcessId;
            logs.CreateLogger(typeof(NodeKillEndpoint)).LogWarning(
                "Node {Node} (process {ProcessId}) is killed by a chaos request from {Caller}: it ends at once, without leaving the cluster",
                node, pid, context.Connection.RemoteIpAddress);
            context.Response.OnCompleted(() =>
            {
                // After the answer is on its way, the process ends as kill -9 would end it.
                _ = Task.Run(async () =>
                {
                    await Task.Delay(100);
                    EndNow();
                });
                return Task.CompletedTask;
            });
            return Results.Json(new KillAnswer(node, pid, "The node's process ends now, without leaving the cluster."), statusCode: StatusCodes.Status202Accepted);
        }).RequireOperator();
        return app;
    }

    /// <summary>
    /// Ends the process at once, with exit code 137 (128 + SIGKILL). Not a signal to itself: a process that is PID 1
    /// (a container's entry point) ignores SIGKILL sent from inside its own namespace. <c>_exit</c> runs no handler, no
    /// finalizer, no shutdown, and flushes nothing: what kill -9 leaves behind.
    /// </summary>
    private static void EndNow()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) Exit(137);
        using var self = Process.GetCurrentProcess();
        self.Kill();
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void Exit(int status);
}
