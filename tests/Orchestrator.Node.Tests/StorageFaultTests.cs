using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Orchestrator.Node.Tests;

/// <summary>
/// Storage faults: a disk that runs full (a small tmpfs, filled for real) makes the node unready and the checkout 503
/// naming the disk, loses nothing accepted, and heals by itself when space returns; a journal that cannot be read
/// stops the node with exit code 2 naming the file, within seconds, at start or when its events are read.
/// </summary>
[Collection(nameof(CrashSafetyCollection))]
public sealed class StorageFaultTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"orchestrator-storage-{Guid.NewGuid():N}");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A node whose journal and payments ledger live on <paramref name="disk"/>, asking for 4 MB free.</summary>
    private sealed class OnDisk(Tmpfs disk, int minFreeMegabytes) : NodeFixture
    {
        protected override string[] ExtraArgs =>
        [
            $"--Orchestrator:WriteQueue:DatabasePath={Path.Combine(disk.Path, "node.db")}",
            $"--Storage:MinFreeMegabytes={minFreeMegabytes}",
        ];
    }

    private static HttpRequestMessage Checkout(string key) =>
        new(HttpMethod.Post, "/shop/checkout")
        {
            Content = JsonContent.Create(new { userId = "u-disk", productId = "p-100", quantity = 1 }),
            Headers = { { "Idempotency-Key", key } },
        };

    [Fact]
    public async Task A_full_disk_makes_the_node_unready_and_the_checkout_503_naming_it_loses_nothing_and_heals_by_itself()
    {
        using var disk = new Tmpfs(48);
        var node = new OnDisk(disk, minFreeMegabytes: 4);
        await node.InitializeAsync();
        try
        {
            using var first = await node.Http.SendAsync(Checkout("before-full"));
            using var paid = await NodeFixture.Read(first, 200);
            var orderId = paid.RootElement.GetProperty("orderId").GetString()!;

            var filler = disk.Fill(leave: 1024 * 1024);
            using (var ready = await Poll.UntilAsync(async () => JsonDocument.Parse(await (await node.Http.GetAsync("/health/ready")).Content.ReadAsStringAsync()),
                       r => r.RootElement.GetProperty("status").GetString() == "NotReady", "readiness turns 503"))
            {
                var storage = ready.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "storage");
                Assert.Equal("Unhealthy", storage.GetProperty("status").GetString());
                Assert.Contains($"the disk of the journal ({Path.Combine(disk.Path, "node.db")}) has", storage.GetProperty("description").GetString());
                Assert.Contains("less than Storage:MinFreeMegabytes (4 MB)", storage.GetProperty("description").GetString());
            }
            using (var refused = await node.Http.SendAsync(Checkout("while-full")))
            {
                Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
                using var error = await NodeFixture.Read(refused, 503);
                Assert.Contains("the disk of the journal", error.RootElement.GetProperty("error").GetString());
            }
            using (var status = await node.Http.GetAsync("/api/status")) Assert.Equal(HttpStatusCode.OK, status.StatusCode); // operators still see

            // Space returns: the node is ready again by itself, nothing accepted before is lost.
            File.Delete(filler);
            await Poll.UntilAsync(async () => (int)(await node.Http.GetAsync("/health/ready")).StatusCode, s => s == 200, "the node is ready again",
                TimeSpan.FromSeconds(30));
            using (var again = await node.Http.SendAsync(Checkout("after-full"))) (await NodeFixture.Read(again, 200)).Dispose();
            using var order = await node.GetJsonAsync($"/shop/orders/{orderId}");
            Assert.Equal("paid", order.RootElement.GetProperty("status").GetString());
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task Writes_that_meet_a_full_disk_are_refused_503_never_a_500_and_after_it_a_repeat_is_one_order()
    {
        using var disk = new Tmpfs(48);
        var node = new OnDisk(disk, minFreeMegabytes: 0); // no early warning: the writes themselves meet the full disk
        await node.InitializeAsync();
        try
        {
            var filler = disk.Fill(leave: 0);
            var statuses = new List<int>();
            for (var i = 0; i < 5; i++)
                using (var full = await node.Http.SendAsync(Checkout("on-a-full-disk")))
                    statuses.Add((int)full.StatusCode);
            Assert.All(statuses, s => Assert.True(s is 200 or 202 or 503, $"answered {s} on a full disk"));

            File.Delete(filler);
            await Poll.UntilAsync(async () => (int)(await node.Http.GetAsync("/health/ready")).StatusCode, s => s == 200, "the node is ready again",
                TimeSpan.FromSeconds(60));
            var final = await Poll.UntilAsync(async () =>
            {
                using var repeat = await node.Http.SendAsync(Checkout("on-a-full-disk"));
                return (int)repeat.StatusCode;
            }, s => s is 200 or 202, "the repeat is placed once the disk has room", TimeSpan.FromSeconds(60));
            using var orders = await node.GetJsonAsync("/shop/orders?limit=1000");
            Assert.Single(orders.RootElement.GetProperty("orders").EnumerateArray(), o => o.GetProperty("idempotencyKey").GetString() == "on-a-full-disk");
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_journal_file_that_is_not_a_database_stops_the_node_at_start_with_exit_code_2_naming_it()
    {
        Directory.CreateDirectory(_directory);
        var journal = Path.Combine(_directory, "node.db");
        await File.WriteAllBytesAsync(journal, Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7919 % 251)).ToArray());
        using var node = NodeProcess.Start(["--urls", "http://127.0.0.1:0", "--Cluster:Port=0", $"--Orchestrator:WriteQueue:DatabasePath={journal}"],
            new Dictionary<string, string>());
        Assert.Equal(2, await node.ExitCodeAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"the database file '{journal}' cannot be read: SQLite Error 26: 'file is not a database'.", node.Output);
    }

    [Fact]
    public async Task A_journal_whose_events_cannot_be_read_stops_the_node_with_exit_code_2_within_seconds()
    {
        var journal = Path.Combine(_directory, "node.db");
        string[] args = ["--urls", "http://127.0.0.1:0", "--Cluster:Port=0", $"--Orchestrator:WriteQueue:DatabasePath={journal}"];
        using (var node = NodeProcess.Start(args, new Dictionary<string, string>()))
        {
            using var http = new HttpClient { BaseAddress = await node.ReadyAsync(TimeSpan.FromSeconds(60)) };
            using var checkout = await http.SendAsync(Checkout("to-be-damaged"));
            Assert.Equal(HttpStatusCode.OK, checkout.StatusCode);
            node.Terminate();
            Assert.Equal(0, await node.ExitCodeAsync(TimeSpan.FromSeconds(30)));
        }
        // The order book's first event is damaged: the file is a sound database, but what it holds cannot be read back.
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection($"Data Source={journal};Pooling=False"))
        {
            connection.Open();
            using var damage = connection.CreateCommand();
            damage.CommandText = "UPDATE journal SET message = $garbage WHERE persistence_id = 'shop-orders' AND sequence_number = 1";
            damage.Parameters.AddWithValue("$garbage", "{not what was written"u8.ToArray());
            Assert.Equal(1, damage.ExecuteNonQuery());
        }

        var watch = Stopwatch.StartNew();
        using var restarted = NodeProcess.Start(args, new Dictionary<string, string>());
        Assert.Equal(2, await restarted.ExitCodeAsync(TimeSpan.FromSeconds(60)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"it took {watch.Elapsed.TotalSeconds:0} s to stop");
        Assert.Contains($"The journal of shop-orders in the SQLite file {journal} cannot be read", restarted.Output);
    }
}
