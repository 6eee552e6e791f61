using Akka.Configuration;
using Orchestrator.Contracts;

namespace Orchestrator.WriteQueue;

/// <summary>
/// Where the write queue keeps its journal: Akka.Persistence.Sql, on the embedded SQLite file by default, or any
/// database its provider names. Checks the SQLite file at start-up, so a directory that cannot be created or a file
/// that cannot be written stops the host with an error naming the setting, instead of failing the first write.
/// </summary>
internal static class WriteQueueStorage
{
    private const string Setting = OrchestratorOptions.SectionName + ":WriteQueue";

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
                using var _ = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
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
