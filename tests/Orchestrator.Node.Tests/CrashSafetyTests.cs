using System.Net.Http.Json;
using System.Text.Json;

namespace Orchestrator.Node.Tests;

/// <summary>The write queue survives kill -9: a real node process, killed with 1 000 accepted and undelivered writes, restarted on its SQLite file.</summary>
/// <remarks>
/// It loads the machine (a second node process, 1 000 checkouts): it runs alone, after the other tests, so that it
/// does not push their pages past their deadlines.
/// </remarks>
[Collection(nameof(CrashSafetyCollection))]
public sealed class CrashSafetyTests : IAsyncLifetime
{
    private const int Users = 10, OrdersPerUser = 100;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"orchestrator-crash-{Guid.NewGuid():N}");
    private PaymentsStandIn _payments = null!;

    public async Task InitializeAsync() => _payments = await PaymentsStandIn.StartAsync();

    public async Task DisposeAsync()
    {
        await _payments.DisposeAsync();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private NodeProcess StartNode() => NodeProcess.Start(
    [
        "--urls", "http://127.0.0.1:0",
        "--Cluster:Port=0",
        "--Serilog:MinimumLevel:Default=Warning",
        $"--Downstream:BaseUrl={_payments.BaseAddress}",
        $"--Orchestrator:WriteQueue:DatabasePath={Path.Combine(_directory, "node.db")}",
        "--Orchestrator:WriteQueue:MaxAttempts=1000",
        "--Orchestrator:WriteQueue:SnapshotEvery=300", // recovery reads a snapshot and the events after it
        "--Orchestrator:WriteQueue:BaseDelay=00:00:00.100",
        "--Orchestrator:WriteQueue:MaxDelay=00:00:00.500",
        "--Orchestrator:WriteQueue:PausedDelay=00:00:00.200",
        "--Orchestrator:Dependencies:payments:Breaker:ResetTimeout=00:00:01",
    ], new Dictionary<string, string>());

    private async Task<long> SnapshotsAsync()
    {
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_directory, "node.db")};Pooling=False");
        await db.OpenAsync();
        await using var count = db.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM snapshot WHERE persistence_id = 'write-queue'";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Writes_accepted_before_a_kill_9_are_each_applied_once_and_in_order_per_key_after_a_restart()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return; // SIGKILL is a POSIX signal

        // 1. Payments is down: every checkout is accepted with its payment queued (1 000 writes, 100 per user).
        var accepted = new Dictionary<string, List<string>>();
        using (var node = StartNode())
        {
            using var http = new HttpClient { BaseAddress = await node.ReadyAsync(Limit), Timeout = Limit };
            var perUser = await Task.WhenAll(Enumerable.Range(0, Users).Select(async u =>
            {
                var user = $"crash-user-{u}";
                var orders = new List<string>();
                for (var i = 0; i < OrdersPerUser; i++)
                {
                    using var response = await http.PostAsJsonAsync("/shop/checkout", new { userId = user, productId = "p-101", quantity = 1 });
                    var text = await response.Content.ReadAsStringAsync();
                    Assert.True((int)response.StatusCode == 202, $"checkout {i} of {user}: {(int)response.StatusCode} {text}");
                    using var body = JsonDocument.Parse(text);
                    orders.Add(body.RootElement.GetProperty("orderId").GetString()!);
                }
                return (user, orders);
            }));
            foreach (var (user, orders) in perUser) accepted[user] = orders;

            using (var status = JsonDocument.Parse(await http.GetStringAsync("/api/write-queue")))
                Assert.Equal(Users * OrdersPerUser, status.RootElement.GetProperty("depth").GetInt32());
            Assert.Empty(_payments.Applied);

            // Snapshots are saved in the background: wait for one, so that the restart reads a snapshot and the
            // events after it (the kill must not race the save).
            await Poll.UntilAsync(SnapshotsAsync, n => n > 0, "the queue saves a snapshot", Limit);
            node.KillHard();
        }
        Assert.True(await SnapshotsAsync() > 0, "the queue saved a snapshot, so the restart reads one");

        // 2. The node starts again on the same file; payments comes back.
        using var restarted = StartNode();
        using var client = new HttpClient { BaseAddress = await restarted.ReadyAsync(Limit), Timeout = Limit };
        _payments.Up = true;

        await Poll.UntilAsync(async () =>
        {
            using var status = JsonDocument.Parse(await client.GetStringAsync("/api/write-queue"));
            return status.RootElement.GetProperty("depth").GetInt32();
        }, depth => depth == 0, "the restarted node drains its queue", TimeSpan.FromMinutes(2));

        // Every accepted write was applied exactly once, and each user's charges in the order they were accepted.
        var applied = _payments.Applied;
        Assert.Equal(Users * OrdersPerUser, applied.Count);
        Assert.Equal(Users * OrdersPerUser, applied.Distinct().Count());
        var position = applied.Select((orderId, i) => (orderId, i)).ToDictionary(p => p.orderId, p => p.i);
        foreach (var (user, orders) in accepted)
        {
            var order = orders.Select(o => position[o]).ToList();
            Assert.True(order.SequenceEqual(order.Order()), $"{user}'s charges were applied out of order");
        }

        // The orders, durable too, are all paid.
        foreach (var orderId in accepted.Values.SelectMany(o => o))
        {
            using var order = JsonDocument.Parse(await client.GetStringAsync($"/shop/orders/{orderId}"));
            Assert.Equal("paid", order.RootElement.GetProperty("status").GetString());
        }
        using var poison = JsonDocument.Parse(await client.GetStringAsync("/api/write-queue/poison"));
        Assert.Equal(0, poison.RootElement.GetProperty("entries").GetArrayLength());
    }
}

/// <summary>Runs <see cref="CrashSafetyTests"/> on its own, after the tests that run in parallel.</summary>
[CollectionDefinition(nameof(CrashSafetyCollection), DisableParallelization = true)]
public sealed class CrashSafetyCollection;
