using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Orchestrator.Node.Lifecycle;
using Xunit.Abstractions;

namespace Orchestrator.Node.Tests;

/// <summary>
/// Real node processes with their own payments service (the durable ledger), stopped by SIGTERM under load and
/// killed with kill -9 while checkouts are submitted and while the queue drains: the stop is clean and prompt, and
/// after the restarts every order is paid, each by exactly one charge.
/// </summary>
/// <remarks>Loads the machine: runs alone, with the crash test, after the tests that run in parallel.</remarks>
[Collection(nameof(CrashSafetyCollection))]
public sealed class StopAndKillTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"orchestrator-stop-{Guid.NewGuid():N}");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private NodeProcess StartNode(params string[] extra) => NodeProcess.Start(
    [
        "--urls", "http://127.0.0.1:0",
        "--Cluster:Hostname=127.0.0.1",
        "--Cluster:Port=0",
        "--Serilog:MinimumLevel:Default=Warning",
        "--Orchestrator:Stress:SampleInterval=01:00:00",
        $"--Orchestrator:WriteQueue:DatabasePath={Path.Combine(_directory, "node.db")}", // the ledger sits beside it
        "--Orchestrator:WriteQueue:MaxAttempts=1000",
        "--Orchestrator:WriteQueue:BaseDelay=00:00:00.100",
        "--Orchestrator:WriteQueue:MaxDelay=00:00:00.500",
        "--Orchestrator:WriteQueue:PausedDelay=00:00:00.200",
        "--Orchestrator:Dependencies:payments:Breaker:ResetTimeout=00:00:01",
        .. extra,
    ], new Dictionary<string, string>());

    private static async Task<HttpClient> ClientAsync(NodeProcess node) =>
        new() { BaseAddress = await node.ReadyAsync(Limit), Timeout = Limit };

    private static async Task<int> IntAsync(HttpClient http, string path, string property)
    {
        using var body = JsonDocument.Parse(await http.GetStringAsync(path));
        return body.RootElement.GetProperty(property).GetInt32();
    }

    private static async Task SetChaosAsync(HttpClient http, string service, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"/api/demo/services/{service}", content);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>One answer (or failure) seen by the load.</summary>
    private sealed record Seen(string Request, int Status, string Body, Exception? Error, string? OrderId)
    {
        /// <summary>Whether the answer said <c>Connection: close</c>.</summary>
        public bool Closes { get; init; }
    }

    private static async Task<Seen> SendAsync(HttpClient http, int worker, int i)
    {
        var (request, send) = (worker % 3) switch
        {
            0 => ("checkout", (Func<Task<HttpResponseMessage>>)(() =>
                http.PostAsJsonAsync("/shop/checkout", new { userId = $"load-{worker}", productId = $"p-10{i % 10}", quantity = 1 }))),
            1 => ("home", () => http.GetAsync($"/shop/home/load-{worker}")),
            _ => ("product", () => http.GetAsync($"/shop/product/p-10{i % 10}")),
        };
        try
        {
            using var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            string? orderId = null;
            if (request == "checkout" && (int)response.StatusCode is 200 or 202)
            {
                using var json = JsonDocument.Parse(body);
                orderId = json.RootElement.GetProperty("orderId").GetString();
            }
            return new Seen(request, (int)response.StatusCode, body, null, orderId) { Closes = response.Headers.ConnectionClose == true };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new Seen(request, 0, "", e, null);
        }
    }

    private static bool ConnectionRefused(Exception e) =>
        e is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } };

    /// <summary>
    /// After a restart on the same files: waits until the queue has drained and no order is pending, then checks that
    /// every order (and every one in <paramref name="accepted"/>) is paid by exactly one charge of the node's payments service.
    /// </summary>
    private async Task AssertEveryOrderPaidOnceAsync(HttpClient http, IReadOnlyCollection<string> accepted)
    {
        await Poll.UntilAsync(async () => (await IntAsync(http, "/api/write-queue", "depth"), await IntAsync(http, "/shop/orders?status=pending_payment", "total")),
            v => v == (0, 0), "the queue drains and no order is pending payment", TimeSpan.FromMinutes(1));

        using var all = JsonDocument.Parse(await http.GetStringAsync("/shop/orders?limit=1000"));
        var total = all.RootElement.GetProperty("total").GetInt32();
        Assert.True(total <= 1000, $"{total} orders: more than one list shows");
        var orders = all.RootElement.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("orderId").GetString()!).ToHashSet();
        Assert.Subset(orders, accepted.ToHashSet());
        output.WriteLine($"{orders.Count} orders stored, {accepted.Count} of them answered 200 or 202");

        foreach (var orderId in orders)
        {
            using var order = JsonDocument.Parse(await http.GetStringAsync($"/shop/orders/{orderId}"));
            var root = order.RootElement;
            Assert.Equal("paid", root.GetProperty("status").GetString());
            Assert.True(root.GetProperty("charges").ValueKind == JsonValueKind.Array, $"order {orderId}: charges unknown: {root}");
            var charge = Assert.Single(root.GetProperty("charges").EnumerateArray());
            Assert.Equal(root.GetProperty("chargeId").GetString(), charge.GetProperty("chargeId").GetString());
            Assert.Equal(orderId, charge.GetProperty("idempotencyKey").GetString());
        }
    }

    [Fact]
    public async Task SIGTERM_under_load_drains_then_stops_in_order_answers_every_request_normally_or_with_the_stopping_503_and_exits_0()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return; // SIGTERM is a POSIX signal
        var seen = new ConcurrentQueue<(Seen Seen, bool AfterTerm)>();
        var termSent = 0;
        TimeSpan stopTook;

        // The stop is under test, not latency: twelve workers on a fresh node of a shared 2-core machine can take
        // longer than the homepage's 800 ms deadline and the 1 to 1.5 s timeouts (a 503 naming the dependency, seen in
        // CI), so the deadline and timeouts are generous here.
        using (var node = StartNode("--Serilog:MinimumLevel:Override:Orchestrator.Node.Lifecycle=Information", "--Shop:HomeDeadline=00:00:05",
                   "--Orchestrator:Dependencies:profile:Timeout=00:00:05", "--Orchestrator:Dependencies:profile-replica:Timeout=00:00:05",
                   "--Orchestrator:Dependencies:inventory:Timeout=00:00:05"))
        {
            using var http = await ClientAsync(node);
            await SetChaosAsync(http, "payments", """{"failEveryNth": 2}"""); // half the checkouts are paid at once, half queued

            var workers = Enumerable.Range(0, 12).Select(w => Task.Run(async () =>
            {
                for (var i = 0; ; i++)
                {
                    var result = await SendAsync(http, w, i);
                    seen.Enqueue((result, Volatile.Read(ref termSent) == 1));
                    if (result.Status is 0 or 503) return; // refused, or the node is gone
                }
            })).ToList();

            await Poll.UntilAsync(() => Task.FromResult(seen.Count(s => s.Seen.Request == "checkout" && s.Seen.OrderId is not null)), n => n >= 30,
                "checkouts are answered under load", Limit);
            var clock = Stopwatch.StartNew();
            Volatile.Write(ref termSent, 1);
            node.Terminate();

            Assert.Equal(0, await node.ExitCodeAsync(TimeSpan.FromSeconds(25))); // inside docker compose's 25 s grace period
            stopTook = clock.Elapsed;
            await Task.WhenAll(workers).WaitAsync(Limit); // no request hangs
            output.WriteLine($"Stopped in {stopTook.TotalSeconds:0.0} s after {seen.Count} requests.\n{node.Output}");
            Assert.Contains("The node is stopping", node.Output, StringComparison.Ordinal);
            Assert.Contains("The node has stopped taking work", node.Output, StringComparison.Ordinal);
        }

        var wrong = seen.Where(s => s.Seen.Status switch
        {
            200 or 202 => false,
            503 => !s.Seen.Body.Contains(StopGate.StoppingError, StringComparison.Ordinal),
            0 => !(s.AfterTerm && ConnectionRefused(s.Seen.Error!)),
            _ => true,
        }).ToList();
        Assert.True(wrong.Count == 0, "answers other than normal ones and the stopping 503:\n" +
            string.Join("\n", wrong.Take(10).Select(w => $"{w.Seen.Request}: {w.Seen.Status} {w.Seen.Body} {w.Seen.Error?.GetBaseException().Message}")));
        // The stop was seen under load: during the drain period the node served on, every answer closing its connection.
        Assert.Contains(seen, s => s.AfterTerm && s.Seen.Status is 200 or 202 && s.Seen.Closes);

        // Every checkout answered 200 or 202 is paid once, after a restart.
        using var restarted = StartNode();
        using var client = await ClientAsync(restarted);
        await AssertEveryOrderPaidOnceAsync(client, seen.Select(s => s.Seen.OrderId).OfType<string>().ToList());
    }

    [Fact]
    public async Task After_kill_9_during_checkouts_and_again_during_the_drain_every_order_is_paid_by_exactly_one_charge()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return; // SIGKILL is a POSIX signal
        var accepted = new ConcurrentQueue<string>();

        // 1. Payments is down: checkouts are stored with their charge queued; the node is killed in the middle of them.
        using (var node = StartNode())
        {
            using var http = await ClientAsync(node);
            await SetChaosAsync(http, "payments", """{"outage": true}""");
            using var stopLoad = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stopLoad.IsCancellationRequested; i++)
                {
                    var result = await SendAsync(http, w * 3, i); // checkouts only
                    if (result.Error is not null) return; // the node was killed
                    Assert.True(result.Status == 202, $"checkout: {result.Status} {result.Body}");
                    accepted.Enqueue(result.OrderId!);
                }
            })).ToList();
            await Poll.UntilAsync(() => Task.FromResult(accepted.Count), n => n >= 200, "checkouts are accepted", Limit);
            node.KillHard();
            await Task.WhenAll(workers).WaitAsync(Limit);
        }
        output.WriteLine($"{accepted.Count} checkouts accepted before the first kill");

        // 2. Payments is back (chaos does not survive a restart); one delivery at a time, killed in the middle of the drain.
        using (var node = StartNode("--Orchestrator:WriteQueue:MaxInFlight=1"))
        {
            using var http = await ClientAsync(node);
            var (depth, paid) = await Poll.UntilAsync(async () =>
                    (await IntAsync(http, "/api/write-queue", "depth"), await IntAsync(http, "/shop/orders?status=paid&limit=1", "total")),
                v => v.Item2 >= 10, "the queue delivers", Limit);
            node.KillHard();
            output.WriteLine($"Killed during the drain: {paid} orders paid, {depth} charges waiting");
            Assert.True(depth > 0, "the kill came before the queue drained");
        }

        // 3. After the second restart: nothing pending, every order paid once.
        using var last = StartNode();
        using var client = await ClientAsync(last);
        await AssertEveryOrderPaidOnceAsync(client, accepted.ToList());
    }
}
