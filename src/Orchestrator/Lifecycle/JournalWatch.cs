using Akka.Actor;
using Orchestrator.WriteQueue;

namespace Orchestrator.Node.Lifecycle;

/// <summary>
/// Stops the node when a journal cannot be read (<see cref="JournalUnreadable"/>, from the write queue or the order
/// book): it would otherwise retry for ever and never be ready. It logs the store and the error (Critical), and the
/// process exits with <see cref="NodeExit.UnreadableStore"/>, the code of a configuration or storage that cannot be used.
/// </summary>
public sealed class JournalWatch : ReceiveActor
{
    /// <summary>Creates the watch; use <see cref="Props"/>.</summary>
    public JournalWatch(NodeLifecycle lifecycle, IHostApplicationLifetime host, ILogger log)
    {
        Receive<JournalUnreadable>(unreadable =>
        {
            if (lifecycle.ExitCode == NodeExit.UnreadableStore) return; // told already
            log.LogCritical("The journal of {PersistenceId} in the {Store} cannot be read: {Error}. The node stops with exit code {ExitCode}: " +
                "restore the file from a backup, or move it away to start empty", unreadable.PersistenceId, unreadable.Store, unreadable.Error.TrimEnd('.'), NodeExit.UnreadableStore);
            lifecycle.MarkUnreadableStore();
            host.StopApplication();
        });
    }

    /// <summary>Props for the watch.</summary>
    public static Props Props(NodeLifecycle lifecycle, IHostApplicationLifetime host, ILogger log) =>
        Akka.Actor.Props.Create(() => new JournalWatch(lifecycle, host, log));

    /// <inheritdoc />
    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(JournalUnreadable));
}
