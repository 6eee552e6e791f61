using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>Recommendations: personalised -> cached -> popular.</summary>
public sealed class CacheTests(CacheNodeFixture node) : IClassFixture<CacheNodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    [Fact]
    public async Task After_one_success_an_outage_serves_the_cached_list_marked_stale()
    {
        var user = NodeFixture.NewUser();
        using (var first = await node.GetJsonAsync($"/shop/home/{user}"))
        {
            var live = first.RootElement.GetProperty("recommendations");
            Assert.Equal("served", live.GetProperty("status").GetString());
            Assert.False(live.TryGetProperty("freshness", out _));
        }

        await node.SetChaosAsync(DemoServices.Recommendations, new { outage = true });
        using var home = await node.GetJsonAsync($"/shop/home/{user}");
        var recommendations = home.RootElement.GetProperty("recommendations");

        Assert.Equal("degraded", recommendations.GetProperty("status").GetString());
        Assert.Equal("StaleCache", recommendations.GetProperty("source").GetString());
        Assert.Equal("Stale", recommendations.GetProperty("freshness").GetString());
        Assert.Equal("Error", recommendations.GetProperty("reason").GetString());
        Assert.True(recommendations.GetProperty("ageMs").GetDouble() >= 0);
        Assert.Equal("personalised", recommendations.GetProperty("data").GetProperty("kind").GetString());
        Assert.Equal(user, recommendations.GetProperty("data").GetProperty("userId").GetString());

        var cache = (await node.DependencyStatusAsync(DemoServices.Recommendations)).GetProperty("cache");
        Assert.True(cache.GetProperty("entries").GetInt32() >= 1);
        Assert.True(cache.GetProperty("staleServed").GetInt64() >= 1);
    }

    [Fact]
    public async Task In_an_outage_a_user_never_seen_gets_the_popular_items()
    {
        await node.SetChaosAsync(DemoServices.Recommendations, new { outage = true });

        using var home = await node.GetJsonAsync($"/shop/home/{NodeFixture.NewUser()}");
        var recommendations = home.RootElement.GetProperty("recommendations");

        Assert.Equal("degraded", recommendations.GetProperty("status").GetString());
        Assert.Equal("CallFallback", recommendations.GetProperty("source").GetString());
        Assert.Equal("popular", recommendations.GetProperty("data").GetProperty("kind").GetString());
        Assert.False(recommendations.TryGetProperty("freshness", out _)); // the popular list is live
        var staleCache = recommendations.GetProperty("trail").EnumerateArray().Single(s => s.GetProperty("step").GetString() == "stale-cache");
        Assert.Equal("Unavailable", staleCache.GetProperty("reason").GetString());
    }
}
