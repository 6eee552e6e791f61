using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.WriteQueue;
using Orchestrator.Contracts;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>A database the write queue cannot use gives a clear error: at start-up naming the setting, at an enqueue naming the problem.</summary>
public sealed class WriteQueueStorageTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"orchestrator-storage-{Guid.NewGuid():N}");

    public WriteQueueStorageTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void A_database_path_whose_directory_cannot_be_created_stops_start_up_naming_the_setting()
    {
        // A regular file where the directory should be: no user, root included, can create the database there.
        var blocker = Path.Combine(_directory, "not-a-directory");
        File.WriteAllText(blocker, "");

        var e = Assert.Throws<OrchestratorOptionsException>(() =>
            NodeHost.Build(NodeFixture.Args($"--Orchestrator:WriteQueue:DatabasePath={Path.Combine(blocker, "node.db")}")));
        Assert.Contains("Orchestrator:WriteQueue:DatabasePath", e.Message);
        Assert.Contains("cannot be written", e.Message);
    }

    [Fact]
    public void A_database_path_that_is_a_directory_stops_start_up_naming_the_setting()
    {
        var e = Assert.Throws<OrchestratorOptionsException>(() => NodeHost.Build(NodeFixture.Args($"--Orchestrator:WriteQueue:DatabasePath={_directory}")));
        Assert.Contains($"Orchestrator:WriteQueue:DatabasePath is '{_directory}', which is a directory", e.Message);
    }

    [Fact]
    public void A_database_left_with_a_hot_journal_by_a_crash_is_readable_and_rolled_back()
    {
        // A transaction caught half way (as a SIGKILL leaves it): the file and its rollback journal, copied while the
        // transaction had changed pages on disk. SQLite plays the journal back on the next open for writing.
        var live = Path.Combine(_directory, "live.db");
        var crashed = Path.Combine(_directory, "crashed.db");
        using (var connection = new SqliteConnection($"Data Source={live};Pooling=False"))
        {
            connection.Open();
            Run(connection, "CREATE TABLE t(x BLOB); PRAGMA cache_size = 10;");
            for (var i = 0; i < 200; i++) Run(connection, "INSERT INTO t VALUES (randomblob(4000))");
            using var transaction = connection.BeginTransaction();
            for (var i = 1; i <= 200; i++) Run(connection, $"UPDATE t SET x = zeroblob(4000) WHERE rowid = {i}", transaction);
            File.Copy(live, crashed);
            File.Copy(live + "-journal", crashed + "-journal");
            transaction.Rollback();
        }

        Assert.Null(WriteQueueStorage.Unreadable(crashed));
        Assert.False(File.Exists(crashed + "-journal"), "the hot journal was played back");
        using var check = new SqliteConnection($"Data Source={crashed};Pooling=False");
        check.Open();
        using var zeroed = check.CreateCommand();
        zeroed.CommandText = "SELECT count(*) FROM t WHERE x = zeroblob(4000)";
        Assert.Equal(0L, (long)zeroed.ExecuteScalar()!); // the half-done transaction is undone

        static void Run(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = transaction;
            command.ExecuteNonQuery();
        }
    }

    [Theory]
    [InlineData("--Orchestrator:WriteQueue:MaxAttempts=-1", "Orchestrator:WriteQueue:MaxAttempts must be between 1 and 1000, not -1")]
    [InlineData("--Orchestrator:WriteQueue:BaseDelay=00:00:00", "Orchestrator:WriteQueue:BaseDelay must be positive")]
    [InlineData("--Orchestrator:WriteQueue:Provider=PostgreSQL", "Orchestrator:WriteQueue:ConnectionString is needed for the provider 'PostgreSQL'")]
    [InlineData("--Orchestrator:WriteQueue:MaxInFlight=0", "Orchestrator:WriteQueue:MaxInFlight")]
    [InlineData("--Orchestrator:WriteQueue:MaxAttemps=3", "MaxAttemps")]
    public void Bad_write_queue_settings_stop_start_up_naming_the_setting(string arg, string named)
    {
        var e = Assert.Throws<OrchestratorOptionsException>(() => NodeHost.Build(NodeFixture.Args(arg)));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public async Task The_node_process_exits_with_code_2_naming_an_unwritable_database_path()
    {
        var blocker = Path.Combine(_directory, "file");
        File.WriteAllText(blocker, "");
        using var node = NodeProcess.Start(["--urls", "http://127.0.0.1:0", "--Cluster:Port=0"], new Dictionary<string, string>
        {
            ["Orchestrator__WriteQueue__DatabasePath"] = Path.Combine(blocker, "queue.db"),
        });

        Assert.Equal(2, await node.ExitCodeAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("Orchestrator:WriteQueue:DatabasePath", node.Output);
    }

    [Fact]
    public async Task The_default_database_file_is_created_where_the_setting_says_when_it_does_not_exist()
    {
        var path = Path.Combine(_directory, "new", "deeper", "node.db");
        var app = NodeHost.Build(NodeFixture.Args($"--Orchestrator:WriteQueue:DatabasePath={path}"));
        await app.StartAsync();
        try
        {
            var accepted = await app.Services.GetRequiredService<IWriteQueue>()
                .EnqueueAsync(new EnqueueWrite(DemoServices.Payments, "u-1", "{}", "never-delivered"));
            Assert.True(accepted.Accepted, accepted.Error);
            Assert.True(File.Exists(path));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Entries_and_the_poison_list_come_back_from_the_sqlite_file_through_snapshots_and_events_after_a_restart()
    {
        // Undeliverable payloads are poisoned at their first attempt; a snapshot every 3 events, so the restarted node
        // reads both a snapshot and the events after it from the file.
        var path = Path.Combine(_directory, "restart.db");
        string[] args = [$"--Orchestrator:WriteQueue:DatabasePath={path}", "--Orchestrator:WriteQueue:MaxAttempts=1", "--Orchestrator:WriteQueue:SnapshotEvery=3",
            "--Orchestrator:Dependencies:payments:Breaker:FailureThreshold=1000", "--Orchestrator:Dependencies:payments:Breaker:MinimumThroughput=1000"];
        var ids = new List<string>();
        PoisonList before;
        await using (var app = NodeHost.Build(NodeFixture.Args(args)))
        {
            await app.StartAsync();
            var queue = app.Services.GetRequiredService<IWriteQueue>();
            for (var i = 0; i < 4; i++)
            {
                var result = await queue.EnqueueAsync(new EnqueueWrite(DemoServices.Payments, $"user-{i % 2}", "not json", $"idem-{i}"));
                Assert.True(result.Accepted, result.Error);
                ids.Add(result.Id!);
            }
            before = await Poll.UntilAsync(() => queue.PoisonedAsync(), p => p.Entries.Count == 4, "every entry is poisoned");
            await app.StopAsync();
        }
        SqliteConnection.ClearAllPools();

        await using var again = NodeHost.Build(NodeFixture.Args(args));
        await again.StartAsync();
        var restored = await again.Services.GetRequiredService<IWriteQueue>().PoisonedAsync();
        Assert.Equal(before.Entries, restored.Entries); // the same entries, in the order they were poisoned
        Assert.Equal(ids, restored.Entries.Select(e => e.Write).OrderBy(w => w.Sequence).Select(w => w.Id));
        var first = restored.Entries.Single(e => e.Write.Id == ids[0]).Write;
        Assert.Equal((DemoServices.Payments, "user-0", "idem-0", "not json", 1), (first.Target, first.Key, first.IdempotencyKey, first.Payload, first.Attempts));
        Assert.Contains("JsonException", first.LastError);
        await again.StopAsync();
    }

    [Fact]
    public async Task While_the_database_cannot_be_written_an_enqueue_is_an_error_naming_it_never_an_acceptance_and_it_recovers_after()
    {
        var path = Path.Combine(_directory, "locked.db");
        var app = NodeHost.Build(NodeFixture.Args(
            $"--Orchestrator:WriteQueue:ConnectionString=Data Source={path};Default Timeout=1",
            "--Orchestrator:Dependencies:payments:Breaker:FailureThreshold=1000"));
        await app.StartAsync();
        var queue = app.Services.GetRequiredService<IWriteQueue>();
        try
        {
            // The queue has read its (empty) journal, and nothing is being delivered that could write while the database is held.
            Assert.Equal(0, (await queue.StatusAsync()).Depth);

            // Another process holds the database: nothing can be written to it.
            using (var blocker = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                blocker.Open();
                using (var begin = blocker.CreateCommand())
                {
                    begin.CommandText = "BEGIN EXCLUSIVE;";
                    begin.ExecuteNonQuery();
                }

                var refused = await queue.EnqueueAsync(new EnqueueWrite(DemoServices.Payments, "u-2", "{}", "o-2"));
                Assert.False(refused.Accepted);
                Assert.Contains("could not be stored in SQLite.MS database", refused.Error);
                Assert.Contains("database is locked", refused.Error);

                using var rollback = blocker.CreateCommand();
                rollback.CommandText = "ROLLBACK;";
                rollback.ExecuteNonQuery();
            }

            // The queue stops after the failed write and its supervisor starts it again (after 1 s at least); once it
            // answers its status again, it accepts writes.
            await Poll.UntilAsync(async () =>
            {
                try
                {
                    return await queue.StatusAsync();
                }
                catch (Exception e) when (e is InvalidOperationException or Akka.Actor.AskTimeoutException)
                {
                    return null;
                }
            }, s => s is not null, "the queue runs again", TimeSpan.FromSeconds(60));
            var again = await queue.EnqueueAsync(new EnqueueWrite(DemoServices.Payments, "u-3", "{}", "o-3"));
            Assert.True(again.Accepted, again.Error);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
