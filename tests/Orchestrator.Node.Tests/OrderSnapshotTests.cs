using System.Net.Http.Json;
using Microsoft.Data.Sqlite;

namespace Orchestrator.Node.Tests;

/// <summary>A node whose order book saves a snapshot every 5 events.</summary>
public sealed class SnapshotNodeFixture : NodeFixture
{
    protected override string[] ExtraArgs => ["--Shop:OrderSnapshotEvery=5"];

    /// <summary>Stops this node and starts another on the same journal (a restart).</summary>
    public async Task RestartAsync()
    {
        await StopNodeAsync();
        await DisposeAppAsync();
        await StartAsync(waitUntilUp: true);
    }
}

/// <summary>
/// The order book's snapshots: a restart reads the latest snapshot and the events after it (the events before it
/// are deleted from the journal), and every order and every stored checkout answer is still there.
/// </summary>
public sealed class OrderSnapshotTests(SnapshotNodeFixture node) : IClassFixture<SnapshotNodeFixture>
{
    [Fact]
    public async Task After_a_restart_from_a_snapshot_every_order_and_every_answer_is_still_there_and_old_events_are_gone()
    {
        var answers = new Dictionary<string, string>();
        for (var i = 0; i < 12; i++)
        {
            var key = $"snap-{Guid.NewGuid():N}";
            using var request = new HttpRequestMessage(HttpMethod.Post, "/shop/checkout")
            {
                Content = JsonContent.Create(new { userId = "u-snap", productId = "p-101", quantity = 1 }),
                Headers = { { "Idempotency-Key", key } },
            };
            using var response = await node.Http.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            answers[key] = await response.Content.ReadAsStringAsync();
        }

        await node.RestartAsync();

        // The journal holds a snapshot, and fewer events than were written (3 per checkout: placed, paid, answered).
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection($"Data Source={node.DatabasePath};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            using var snapshots = connection.CreateCommand();
            snapshots.CommandText = "SELECT count(*) FROM snapshot WHERE persistence_id = 'shop-orders'";
            Assert.Equal(1L, (long)snapshots.ExecuteScalar()!);
            using var events = connection.CreateCommand();
            events.CommandText = "SELECT count(*) FROM journal WHERE persistence_id = 'shop-orders' AND deleted = 0";
            Assert.True((long)events.ExecuteScalar()! < 36, "the events before the snapshot are deleted");
        }
        foreach (var (key, body) in answers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/shop/checkout")
            {
                Content = JsonContent.Create(new { userId = "u-snap", productId = "p-101", quantity = 1 }),
                Headers = { { "Idempotency-Key", key } },
            };
            using var repeat = await node.Http.SendAsync(request);
            Assert.Equal(body, await repeat.Content.ReadAsStringAsync()); // the same answer, from the snapshot or the events after it
        }
        using var orders = await node.GetJsonAsync("/shop/orders?limit=1000");
        Assert.Equal(12, orders.RootElement.GetProperty("orders").EnumerateArray().Count(o => o.GetProperty("userId").GetString() == "u-snap"));
    }
}
