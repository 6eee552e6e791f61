using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace Orchestrator.Tests.WriteQueue;

/// <summary>A journal whose disk is full: it recovers nothing and fails every write, as SQLite does then.</summary>
public sealed class FailingJournal : AsyncWriteJournal
{
    public const string Error = "SQLite Error 13: 'database or disk is full'.";

    public override Task ReplayMessagesAsync(Akka.Actor.IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<IPersistentRepresentation> recoveryCallback) => Task.CompletedTask;

    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken) => Task.FromResult(0L);

    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken) =>
        Task.FromException<IImmutableList<Exception?>>(new IOException(Error));

    protected override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken) => Task.CompletedTask;
}
