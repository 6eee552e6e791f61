using Akka.Configuration;
using Orchestrator.Contracts;

namespace Orchestrator.WriteQueue;

/// <summary>
/// Where the write queue keeps its journal: Akka.Persistence.Sql, on the embedded SQLite file by default, or any
/// database its provider names. Checks the SQLite file at start-up, so a directory that cannot be created or a file
/// that cannot be written stops the host with an error naming the setting, instead of failing the first write.
/// </summary>
public static class WriteQueueStorage
{
    private const string Setting = WriteQueueOptions.SectionPath;

    /// <summary>The store, for messages: "SQLite file /path/orchestrator.db", or "PostgreSQL database".</summary>
    public static string Describe(WriteQueueOptions options) =>
        options.IsSqlite && string.IsNullOrWhiteSpace(options.ConnectionString)
            ? $"SQLite file {options.EffectiveDatabasePath}"
            : $"{options.Provider} database";

    /// <summary>
    /// Creates the SQLite file's directory when missing and checks that the file can be written; every problem
    /// names the setting. Nothing to check for a connection string or another provider (the journal reports those).
    /// </summary>
    public static IReadOnlyList<string> Prepare(WriteQueueOptions options)
    {
        var errors = new List<string>();
        if (!options.IsSqlite || !string.IsNullOrWhiteSpace(options.ConnectionString)) return errors;

        var path = options.EffectiveDatabasePath;
        var setting = string.IsNullOrWhiteSpace(options.DatabasePath) ? $"{Setting}:DatabasePath (not set; the default)" : $"{Setting}:DatabasePath";
        if (Directory.Exists(path))
        {
            errors.Add($"{setting} is '{path}', which is a directory; name a file.");
            return errors;
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (File.Exists(path))
            {
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite)) { }
                if (Unreadable(path) is { } unreadable)
                {
                    errors.Add($"{setting}: the database file '{path}' cannot be read: {unreadable} Restore it from a backup, or move it away to start with an empty queue.");
                    return errors;
                }
            }
            else
            {
                var probe = Path.Combine(Path.GetDirectoryName(path)!, $".write-probe-{Guid.NewGuid():N}");
                using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            errors.Add($"{setting}: the database file '{path}' cannot be written: {e.Message}");
        }
        return errors;
    }

    /// <summary>
    /// Why the SQLite file at <paramref name="path"/> cannot be read (not a database, corrupted: its header and schema
    /// are read, and a quick check of its first pages is run); null when it can (a hot journal left by a crash is
    /// played back, as the journal would), or when it is empty (a new file).
    /// </summary>
    public static string? Unreadable(string path)
    {
        if (new FileInfo(path).Length == 0) return null;
        try
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
            {
                // Read-write: after a crash the file may have a hot rollback journal, which SQLite plays back on the
                // first read (a read-only connection would call a healthy file unreadable).
                DataSource = path, Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadWrite, Pooling = false,
            }.ToString());
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "SELECT count(*) FROM sqlite_master; PRAGMA quick_check(1);";
            using var reader = check.ExecuteReader();
            reader.NextResult();
            return reader.Read() && reader.GetString(0) is var verdict && verdict != "ok" ? $"SQLite finds it corrupted ({verdict})." : null;
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            return e.Message.EndsWith('.') ? e.Message : e.Message + ".";
        }
    }

    /// <summary>The HOCON that makes Akka.Persistence.Sql the journal and snapshot store, with its defaults as fallback.</summary>
    public static Config Config(WriteQueueOptions options)
    {
        var connection = Quote(options.EffectiveConnectionString);
        var provider = Quote(options.Provider);
        var init = options.AutoInitialize ? "on" : "off";
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  auto-initialize = {{init}}
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  auto-initialize = {{init}}
                }
              }
            }
            """);
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
