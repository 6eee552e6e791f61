using Microsoft.Data.Sqlite;

namespace Orchestrator.WriteQueue;

/// <summary>
/// A persistent actor could not read its journal back, and trying again will not help (the data is not what was
/// written: corrupted, not a database, or events of a type this version does not know). Published on the actor
/// system's event stream by the write queue (and by any persistent actor that uses <see cref="JournalFailures"/>), so
/// that the host can stop with a clear error instead of retrying for ever; the runnable node exits with code 2.
/// </summary>
/// <param name="Store">The store, as people name it ("SQLite file /data/orchestrator.db").</param>
/// <param name="PersistenceId">Whose journal it is.</param>
/// <param name="Error">What went wrong.</param>
public sealed record JournalUnreadable(string Store, string PersistenceId, string Error);

/// <summary>Tells a journal that cannot be read from one that cannot be read right now.</summary>
public static class JournalFailures
{
    /// <summary>
    /// Whether a recovery that failed with <paramref name="error"/> would fail again whatever the wait: anything but a
    /// timeout, a cancellation, or a busy, locked, full or unreachable database (SQLite 5, 6, 10, 13, 14), which pass.
    /// </summary>
    public static bool IsUnreadable(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case TimeoutException or OperationCanceledException:
                    return false;
                case SqliteException sqlite:
                    return sqlite.SqliteErrorCode is not (5 or 6 or 10 or 13 or 14);
            }
        }
        return true;
    }

    /// <summary>The message of <paramref name="error"/> and of what caused it, in one line.</summary>
    public static string Describe(Exception error)
    {
        var parts = new List<string>();
        for (var e = error; e is not null && parts.Count < 4; e = e.InnerException)
            if (!parts.Contains(e.Message)) parts.Add(e.Message);
        return string.Join(" <- ", parts);
    }
}
