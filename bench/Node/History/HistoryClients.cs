using System.Net.Http.Json;
using System.Text.Json;

namespace Orchestrator.Bench.Node;

/// <summary>
/// The run's shoppers: each sends checkouts, one key at a time, and sends a key again (the same request, the same
/// key) after any answer that does not end it: a broken connection (the node was killed), a timeout, a 503, a 409
/// "still being processed". Now and then it sends a key twice at once; after an answer that ends it, it sometimes
/// sends it again anyway (the replay must be the same). Once told to stop, a shopper starts no new key but finishes the one it has, until the finish limit.
/// </summary>
public sealed class HistoryClients(Uri node, int clients, int seed)
{
    private static readonly string[] Products = ["p-100", "p-101", "p-102", "p-103", "p-104", "p-105"];

    /// <summary>Runs the shoppers until <paramref name="stop"/>, each then finishing its key until <paramref name="finishBy"/>; every key's record.</summary>
    public async Task<IReadOnlyList<KeyRecord>> RunAsync(CancellationToken stop, CancellationToken finishBy)
    {
        var records = new List<KeyRecord>();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => ShopperAsync(c, new Random(seed + c), records, stop, finishBy)));
        return records;
    }

    private async Task ShopperAsync(int client, Random random, List<KeyRecord> records, CancellationToken stop, CancellationToken finishBy)
    {
        using var http = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(10) };
        for (var n = 0; !stop.IsCancellationRequested && !finishBy.IsCancellationRequested; n++)
        {
            var record = new KeyRecord($"h{client}-{n}-{random.Next():x}", $"shopper-{client}", Products[random.Next(Products.Length)], random.Next(1, 4));
            lock (records) records.Add(record);
            // Now and then the same request twice at once (a double click, a retry that did not wait): one of them may be
            // told the other is still running (409); both name the same order.
            var answer = random.NextDouble() < 0.1
                ? (await Task.WhenAll(SendAsync(http, record, finishBy), SendAsync(http, record, finishBy))).FirstOrDefault(a => a.IsFinal)
                  ?? await SendAsync(http, record, finishBy)
                : await SendAsync(http, record, finishBy);
            while (!answer.IsFinal && !finishBy.IsCancellationRequested)
            {
                await Delay(random.Next(50, 400), finishBy);
                answer = await SendAsync(http, record, finishBy);
            }
            // A shopper who did not see (or trust) the answer sends it again: the same answer must come back.
            for (var again = random.NextDouble() < 0.3 ? random.Next(1, 3) : 0; again > 0 && !finishBy.IsCancellationRequested; again--)
                await SendAsync(http, record, finishBy);
            await Delay(random.Next(0, 100), finishBy);
        }
    }

    private static async Task<KeyAnswer> SendAsync(HttpClient http, KeyRecord record, CancellationToken ct)
    {
        var answer = await TrySendAsync(http, record, ct);
        record.Add(answer);
        return answer;
    }

    private static async Task<KeyAnswer> TrySendAsync(HttpClient http, KeyRecord record, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "shop/checkout")
            {
                Content = JsonContent.Create(new { userId = record.UserId, productId = record.ProductId, quantity = record.Quantity }),
            };
            request.Headers.Add("Idempotency-Key", record.Key);
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            string? orderId = null, status = null;
            try
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.ValueKind == JsonValueKind.Object)
                {
                    if (json.RootElement.TryGetProperty("orderId", out var id)) orderId = id.GetString();
                    if (json.RootElement.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String) status = s.GetString();
                }
            }
            catch (JsonException)
            {
                // not JSON: kept as it is
            }
            return new KeyAnswer((int)response.StatusCode, body, orderId, status, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new KeyAnswer(0, null, null, null, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static async Task Delay(int ms, CancellationToken ct)
    {
        try
        {
            await Task.Delay(ms, ct);
        }
        catch (OperationCanceledException)
        {
            // finishing
        }
    }
}
