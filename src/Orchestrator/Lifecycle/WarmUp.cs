using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Orchestrator.Node.Lifecycle;

/// <summary>
/// Warms the node up before it says it is ready, so that its first real request is as fast as its hundredth: once
/// everything else is ready, it sends its own shop a few requests over real HTTP (the homepage, a product page, a
/// refused checkout, an unknown order, the status), which compiles their code paths, fills the connection pools to
/// the downstream services and the serializers' caches (<c>Shop:WarmUpRounds</c> rounds; 0: none). The requests carry a key only this process knows
/// (<see cref="Header"/>), which lets them through the gate before the node is ready; nothing they do is stored.
/// </summary>
public sealed partial class WarmUp(NodeReadiness readiness, IServer server, Configuration.ShopSettings settings, ILogger<WarmUp> log) : BackgroundService
{
    /// <summary>The header that lets the warm-up's own requests through the gate before the node is ready.</summary>
    public const string Header = "X-Orchestrator-Warm-Up";

    /// <summary>The key of this process's warm-up requests (random: nobody outside the process knows it).</summary>
    public string Key { get; } = Guid.NewGuid().ToString("N");

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!readiness.ReadyButWarmUp) await Task.Delay(100, stoppingToken);
            var watch = Stopwatch.StartNew();
            using var http = new HttpClient { BaseAddress = OwnAddress(), Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Add(Header, Key);
            var failures = 0;
            for (var round = 0; round < settings.WarmUpRounds && !stoppingToken.IsCancellationRequested; round++)
            {
                foreach (var send in Requests(round))
                {
                    try
                    {
                        using var response = await send(http, stoppingToken);
                        await response.Content.ReadAsByteArrayAsync(stoppingToken);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
                    {
                        failures++;
                    }
                }
            }
            readiness.MarkWarmedUp();
            LogWarmedUp(watch.ElapsedMilliseconds, failures);
        }
        catch (OperationCanceledException)
        {
            // the node stops before it was ready
        }
    }

    private static IEnumerable<Func<HttpClient, CancellationToken, Task<HttpResponseMessage>>> Requests(int round) =>
    [
        (h, ct) => h.GetAsync($"shop/home/warm-up-{round}?deadlineMs=5000", ct),
        (h, ct) => h.GetAsync($"shop/product/p-10{round}", ct),
        (h, ct) => h.PostAsJsonAsync("shop/checkout", new { userId = "warm-up", productId = "p-100", quantity = 0 }, ct), // 400: nothing placed
        (h, ct) => h.GetAsync("shop/orders/o-warm-up", ct),
        (h, ct) => h.GetAsync("api/status", ct),
    ];

    /// <summary>The node's own HTTP address, a wildcard host replaced by loopback.</summary>
    private Uri OwnAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.First();
        var builder = new UriBuilder(address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal));
        if (builder.Host is "0.0.0.0" or "[::]" or "::" or "localhost") builder.Host = "127.0.0.1";
        return builder.Uri;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up in {ElapsedMs} ms ({Failures} warm-up requests got no answer); the node is ready")]
    private partial void LogWarmedUp(long elapsedMs, int failures);
}
