using Akka.Actor;

namespace Orchestrator.Node.Lifecycle;

/// <summary>
/// The node's exit code after it ran: 0 when the host stopped it (Ctrl-C, SIGTERM), <see cref="RemovedByCluster"/>
/// when the actor system stopped on its own because the cluster downed or removed this node, or it could not join:
/// a restart policy (<c>restart: on-failure</c>, Kubernetes) then starts it again, and it rejoins.
/// </summary>
public static class NodeExit
{
    /// <summary>The exit code of a node the cluster downed or removed, or that could not join.</summary>
    public const int RemovedByCluster = 3;

    /// <summary>The exit code of a node whose configuration, or whose storage, cannot be used (a journal that cannot be read).</summary>
    public const int UnreadableStore = 2;

    /// <summary>
    /// From the moment the actor system's coordinated shutdown starts for any reason other than the host's stop,
    /// the node stops serving: readiness 503, every request 503 (the node is being downed or removed).
    /// </summary>
    /// <remarks>
    /// The reason's type is Akka's (<c>ClusterJoinUnsuccessfulReason</c> for a join that timed out, <c>ClusterDowningReason</c>
    /// for a downing); the event also says in words whether the node ever joined (was ever an Up member), which is
    /// what an operator reading it needs: a node that never joined never served.
    /// </remarks>
    public static void StopServingWhenTheClusterStopsTheNode(ActorSystem system, NodeLifecycle lifecycle, ILogger log)
    {
        var wasUp = 0;
        Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() => Volatile.Write(ref wasUp, 1));
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "node-stop-serving", () =>
        {
            if (CoordinatedShutdown.Get(system).ShutdownReason is { } reason and not CoordinatedShutdown.ClrExitReason)
            {
                lifecycle.MarkRemovedByCluster();
                if (Volatile.Read(ref wasUp) == 1)
                    log.LogWarning("The actor system is shutting down ({Reason}): this node stops serving at once, and exits with {ExitCode} so that it is restarted",
                        reason.GetType().Name, RemovedByCluster);
                else
                    log.LogWarning("The actor system is shutting down ({Reason}) before this node joined the cluster (no seed answered within Cluster:JoinTimeout, " +
                        "or the join was refused): it never served, and exits with {ExitCode} so that it is restarted", reason.GetType().Name, RemovedByCluster);
            }
            return Task.FromResult(Akka.Done.Instance);
        });
    }
}
