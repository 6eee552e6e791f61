using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

public sealed class RecoveryAndSaturationTests(TightNodeFixture node) : IClassFixture<TightNodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    private async Task<string?> RecommendationsState() =>
        (await node.DependencyStatusAsync(DemoServices.Recommendations)).GetProperty("breaker").GetProperty("state").GetString();

    [Fact]
    public async Task An_open_breaker_lets_a_probe_through_after_its_reset_timeout_and_closes_when_the_service_is_back()
    {
        await node.SetChaosAsync(DemoServices.Recommendations, new { outage = true });
        await Poll.UntilAsync(async () =>
        {
            (await node.Http.GetAsync("/shop/home/u4")).Dispose();
            return await RecommendationsState();
        }, s => s is "Open" or "HalfOpen", "the recommendations breaker to open");

        using (await node.OperatorDeleteAsync($"/api/demo/services/{DemoServices.Recommendations}")) { }

        // Once the 300 ms have passed, the next call is the probe; it succeeds and the breaker closes.
        await Poll.UntilAsync(async () =>
        {
            using var home = await node.GetJsonAsync("/shop/home/u4");
            return home.RootElement.GetProperty("recommendations").GetProperty("status").GetString();
        }, s => s == "served", "recommendations to be served again");
        Assert.Equal("Closed", await RecommendationsState());
    }

    [Fact]
    public async Task A_full_bulkhead_shows_in_the_status_and_turns_further_calls_away()
    {
        // reviews: one slot, no queue. A slow call holds the slot for two seconds (time enough to look, even on a slow machine)...
        await node.SetChaosAsync(DemoServices.Reviews, new { latencyMs = 2_000 });
        var slow = node.Http.GetAsync("/shop/product/p-1");
        await Poll.UntilAsync(async () =>
            (await node.DependencyStatusAsync(DemoServices.Reviews)).GetProperty("bulkhead").GetProperty("inFlight").GetInt32(),
            n => n == 1, "the slow call to hold the reviews slot");

        // ...so the next call is turned away at once, and the page is served without reviews.
        using (var page = await node.GetJsonAsync("/shop/product/p-2"))
        {
            var reviews = page.RootElement.GetProperty("reviews");
            Assert.Equal("omitted", reviews.GetProperty("status").GetString());
            Assert.Equal("BulkheadFull", reviews.GetProperty("reason").GetString());
        }
        var bulkhead = (await node.DependencyStatusAsync(DemoServices.Reviews)).GetProperty("bulkhead");
        Assert.Equal(1, bulkhead.GetProperty("maxConcurrency").GetInt32());
        Assert.Equal(0, bulkhead.GetProperty("queueCapacity").GetInt32());
        Assert.True(bulkhead.GetProperty("rejectedTotal").GetInt64() >= 1);

        using var first = await slow;
        using var firstPage = await NodeFixture.Read(first, 200);
        Assert.Equal("served", firstPage.RootElement.GetProperty("reviews").GetProperty("status").GetString());
    }
}
