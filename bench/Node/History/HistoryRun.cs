using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Bench.Node;

/// <summary>
/// A history run, in the style of Jepsen: shoppers check out concurrently (<see cref="HistoryClients"/>), sending
/// each key again after every answer that does not end it; meanwhile the payments service flaps (an outage switched
/// on and off every few seconds) and the node is killed with SIGKILL at random moments and restarted on its files.
/// Then the faults end, the shoppers finish their keys, the system settles (no order pending, the write queue empty),
/// and what it holds is checked against what the shoppers were told (<see cref="HistoryCheck"/>).
/// </summary>
public static class HistoryRun
{
    public static async Task<HistoryReport> RunAsync(HistoryOptions options, TextWriter progress, CancellationToken ct = default)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"history-{Guid.NewGuid():N}");
        // Settings that make a short run eventful: a payment recovery every 2 s, quick write-queue retries and only 3
        // attempts (so some charges fail for good), a payments breaker open for 1 s.
        using var node = new NodeUnderTest(directory, new Dictionary<string, string>
        {
            ["Orchestrator__WriteQueue__BaseDelay"] = "00:00:00.100",
            ["Orchestrator__WriteQueue__MaxDelay"] = "00:00:01",
            ["Orchestrator__WriteQueue__PausedDelay"] = "00:00:00.300",
            ["Orchestrator__WriteQueue__MaxAttempts"] = "3",
            ["Orchestrator__Dependencies__payments__Breaker__ResetTimeout"] = "00:00:01",
            ["Shop__PaymentRecoveryInterval"] = "00:00:02",
        });
        var random = new Random(options.Seed);
        node.Start();
        if (!await node.ReadyAsync(TimeSpan.FromSeconds(90), ct)) throw new InvalidOperationException($"The node did not become ready; see {directory}/node.log.");
        await progress.WriteLineAsync($"history: node ready on {node.BaseAddress}, data in {directory}");
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        var duration = TimeSpan.FromSeconds(options.Seconds);
        using var stop = new CancellationTokenSource(duration);
        using var finishBy = new CancellationTokenSource(duration + options.SettleLimit);
        var shoppers = new HistoryClients(node.BaseAddress, options.Clients, options.Seed).RunAsync(stop.Token, finishBy.Token);
        var flips = FlapPaymentsAsync(http, new Random(random.Next()), stop.Token);

        // The kills, at random moments between a tenth and nine tenths of the run.
        var watch = Stopwatch.StartNew();
        var kills = 0;
        foreach (var at in Enumerable.Range(0, options.Kills).Select(_ => duration * (0.1 + 0.8 * random.NextDouble())).Order())
        {
            if (at > watch.Elapsed) await Task.Delay(at - watch.Elapsed, ct);
            node.Kill();
            kills++;
            await Task.Delay(random.Next(200, 1500), ct);
            node.Start();
            if (!await node.ReadyAsync(TimeSpan.FromSeconds(90), ct)) throw new InvalidOperationException($"The node did not come back after kill {kills}; see {directory}/node.log.");
            await progress.WriteLineAsync($"history: kill {kills} at {at.TotalSeconds:0.0} s; back after {(watch.Elapsed - at).TotalSeconds:0.0} s");
        }

        var flipped = await flips;
        await Heal(http);
        var keys = await shoppers;
        var settleWatch = Stopwatch.StartNew();
        await progress.WriteLineAsync($"history: load over after {watch.Elapsed.TotalSeconds:0.0} s ({keys.Count} keys); settling");
        var settled = await SettleAsync(http, options.SettleLimit, ct);
        var settleSeconds = settleWatch.Elapsed.TotalSeconds;

        var final = new FinalState(await FinalState.OrdersAsync(http, ct), FinalState.ReadCharges(node.LedgerPath));
        var violations = HistoryCheck.Violations(keys, final).ToList();
        if (!settled) violations.Insert(0, $"the system did not settle within {options.SettleLimit} (orders pending, or writes waiting)");
        var answers = keys.SelectMany(k => k.Answers).ToList();
        return new HistoryReport(options.Seconds, options.Clients, options.Seed, kills, flipped, keys.Count, answers.Count,
            keys.Sum(k => Math.Max(0, k.Answers.Count - 1 - k.Answers.TakeWhile(a => !a.IsFinal).Count())),
            answers.GroupBy(a => a.Status == 0 ? "none (connection lost or timed out)" : a.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .ToDictionary(g => g.Key, g => g.Count()),
            final.Orders.Count, final.Orders.Count(o => o.Status == "paid"), final.Orders.Count(o => o.Status == "payment_failed"),
            final.Orders.Count(o => o.Status == "pending_payment"), final.Charges.Count, Math.Round(settleSeconds, 1), violations);
    }

    /// <summary>
    /// Flaps the payments service while the load lasts: every 1 to 4 s it moves at random to healthy, an outage (every
    /// charge 503: its breaker opens, deliveries pause), or failing 70% of charges (attempts count, some charges
    /// fail every attempt and end payment_failed); how many changes it made.
    /// </summary>
    private static async Task<int> FlapPaymentsAsync(HttpClient http, Random random, CancellationToken stop)
    {
        string[] states = ["""{}""", """{"outage": true, "errorRate": 0}""", """{"outage": false, "errorRate": 0.7}"""];
        var flips = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(random.Next(1000, 4000), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (await ChaosAsync(http, states[random.Next(states.Length)])) flips++;
        }
        return flips;
    }

    private static async Task Heal(HttpClient http)
    {
        for (var i = 0; i < 50 && !await ChaosAsync(http, "{}"); i++) await Task.Delay(200);
    }

    /// <summary>Sets the payments service's chaos to <paramref name="chaos"/> (<c>{}</c>: healthy); false while the node does not answer.</summary>
    private static async Task<bool> ChaosAsync(HttpClient http, string chaos)
    {
        try
        {
            var heal = chaos == "{}";
            using var request = new HttpRequestMessage(heal ? HttpMethod.Delete : HttpMethod.Post, "api/demo/services/payments")
            {
                Content = new StringContent(chaos, Encoding.UTF8, "application/json"),
            };
            using var response = await http.SendAsync(request);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false; // the node is down (killed): the next flip tries again
        }
    }

    /// <summary>Waits until no order is pending and the write queue is empty; false after <paramref name="limit"/>.</summary>
    private static async Task<bool> SettleAsync(HttpClient http, TimeSpan limit, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            try
            {
                using var pending = JsonDocument.Parse(await http.GetStringAsync("shop/orders?status=pending_payment&limit=1", ct));
                using var queue = JsonDocument.Parse(await http.GetStringAsync("api/write-queue", ct));
                if (pending.RootElement.GetProperty("total").GetInt32() == 0 && queue.RootElement.GetProperty("depth").GetInt32() == 0) return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                // asked again below
            }
            await Task.Delay(500, ct);
        }
        return false;
    }
}
