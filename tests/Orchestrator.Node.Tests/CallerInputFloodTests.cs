using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>
/// A node whose coordinator samples stress every second (enough calls in a sample to judge the error rate) and changes level at the first sample over a
/// threshold (no dwell time): the most sensitive it can be. CPU is left out of its signals (weight 0): the test
/// process's CPU is every test's, and the question here is what callers' errors do.
/// </summary>
public sealed class FloodNodeFixture : NodeFixture
{
    protected override string[] ExtraArgs =>
    [
        "--Orchestrator:Stress:SampleInterval=00:00:01",
        "--Orchestrator:Stress:MinDwell=00:00:00",
        "--Orchestrator:Stress:CpuWeight=0",
    ];
}

/// <summary>
/// Caller input never degrades anyone else: a flood of requests for products that do not exist (pages and
/// checkouts, 25 a second, the rate that put the node in Severe before) is answered 404 naming the product, and
/// leaves the node Normal, every feature on and every breaker closed, while other users are served as usual.
/// </summary>
[Collection(nameof(FloodCollection))]
public sealed class CallerInputFloodTests(FloodNodeFixture node) : IClassFixture<FloodNodeFixture>
{
    [Fact]
    public async Task A_flood_of_unknown_ids_is_404_and_leaves_the_node_normal_with_every_feature_on()
    {
        var levels = new ConcurrentQueue<(string Level, int Reasons, int DisabledTiers)>();
        using var stop = new CancellationTokenSource();
        var watching = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using (var status = await node.GetJsonAsync("/api/status"))
                {
                    var degradation = status.RootElement.GetProperty("degradation");
                    levels.Enqueue((degradation.GetProperty("level").GetString()!, degradation.GetProperty("reasons").GetArrayLength(),
                        degradation.GetProperty("disabledTiers").GetArrayLength()));
                }
                await Task.Delay(100);
            }
        });

        // 25 a second for 4 s: a product page and a checkout of an unknown product in turn; a real user's homepage
        // and product page beside them.
        var flood = new List<Task<HttpStatusCode>>();
        var users = new List<Task<HttpStatusCode>>();
        for (var i = 0; i < 100; i++)
        {
            var id = $"bad id{i}!";
            flood.Add(i % 2 == 0
                ? Status(node.Http.GetAsync($"/shop/product/{Uri.EscapeDataString(id)}"))
                : Status(node.Http.PostAsJsonAsync("/shop/checkout", new { userId = "flooder", productId = id, quantity = 1 })));
            if (i % 5 == 0) users.Add(Status(node.Http.GetAsync(i % 10 == 0 ? $"/shop/home/{NodeFixture.NewUser()}" : "/shop/product/p-101")));
            await Task.Delay(40);
        }
        var floodAnswers = await Task.WhenAll(flood);
        var userAnswers = await Task.WhenAll(users);
        await Task.Delay(2000); // two more samples after the last answer
        stop.Cancel();
        await watching;

        Assert.All(floodAnswers, s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.All(userAnswers, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(levels.Count >= 10, $"only {levels.Count} status samples");
        Assert.All(levels, l => Assert.Equal(("Normal", 0, 0), l));
        using (var features = await node.GetJsonAsync("/api/features"))
            Assert.All(features.RootElement.EnumerateArray(), f => Assert.True(f.GetProperty("enabled").GetBoolean(), f.GetProperty("name").GetString()));
        foreach (var dependency in DemoServices.All)
        {
            var status = await node.DependencyStatusAsync(dependency);
            Assert.Equal("Closed", status.GetProperty("breaker").GetProperty("state").GetString());
            Assert.Equal(0, status.GetProperty("calls").GetProperty("failed").GetInt64());
        }
        var inventory = await node.DependencyStatusAsync(DemoServices.Inventory);
        Assert.True(inventory.GetProperty("calls").GetProperty("refused").GetInt64() >= 100); // 50 stock reads and 50 reservations
    }

    private static async Task<HttpStatusCode> Status(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        return response.StatusCode;
    }
}

/// <summary>The flood test runs alone: other tests' load on the same process would be load on its node too.</summary>
[CollectionDefinition(nameof(FloodCollection), DisableParallelization = true)]
public sealed class FloodCollection;
