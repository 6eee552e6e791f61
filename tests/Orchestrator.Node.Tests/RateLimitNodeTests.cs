using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>
/// A node whose notifications have a rate limit set in configuration (command-line keys, as appsettings.json or the
/// environment would set them): two attempts an hour, so that nothing comes back during the test; the homepage's
/// deadline and notifications' timeout are 10 s, for a starved machine.
/// </summary>
public sealed class RateLimitNodeFixture : NodeFixture
{
    /// <inheritdoc />
    protected override string[] ExtraArgs =>
    [
        "--Orchestrator:Dependencies:notifications:RateLimit:PermitsPerPeriod=2",
        "--Orchestrator:Dependencies:notifications:RateLimit:Period=01:00:00",
        "--Orchestrator:Dependencies:notifications:Timeout=00:00:10", // a cold first call on a busy machine
        "--Shop:HomeDeadline=00:00:10",
    ];
}

/// <summary>The rate limit in the node: the part it turns away degrades alone, says why, and the dependency is not blamed.</summary>
public sealed class RateLimitNodeTests(RateLimitNodeFixture node) : IClassFixture<RateLimitNodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync(); // the demo's stand-ins start with chaos of their own
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Notifications_beyond_the_limit_are_turned_away_as_rate_limited_while_the_rest_of_the_page_is_served()
    {
        // The node's own start may have taken permits already (nothing comes back within the hour): spend what is left.
        var before = (await node.DependencyStatusAsync(DemoServices.Notifications)).GetProperty("rateLimit");
        var available = before.GetProperty("available").GetInt64();
        Assert.InRange(available, 0, 2);
        for (var page = 1; page <= available; page++)
        {
            using var served = await node.GetJsonAsync($"/shop/home/{NodeFixture.NewUser()}");
            var part = served.RootElement.GetProperty("notifications");
            Assert.True(part.GetProperty("status").GetString() == "served", $"page {page}: {part}");
        }

        using var home = await node.GetJsonAsync($"/shop/home/{NodeFixture.NewUser()}");
        var notifications = home.RootElement.GetProperty("notifications");
        Assert.Equal("omitted", notifications.GetProperty("status").GetString()); // notifications have no fallback
        Assert.Equal("RateLimited", notifications.GetProperty("reason").GetString());
        Assert.Contains("The rate limit of 'notifications' (2 attempts per 01:00:00 on this node) had no permit", notifications.GetProperty("detail").GetString());
        Assert.Equal("served", home.RootElement.GetProperty("profile").GetProperty("status").GetString());

        var status = await node.DependencyStatusAsync(DemoServices.Notifications);
        var limit = status.GetProperty("rateLimit");
        Assert.Equal(2, limit.GetProperty("permitsPerPeriod").GetInt32());
        Assert.Equal(2, limit.GetProperty("granted").GetInt64());
        Assert.Equal(before.GetProperty("refused").GetInt64() + 1, limit.GetProperty("refused").GetInt64());
        Assert.Equal(0, limit.GetProperty("available").GetInt64());
        // Turned away by this node's own limit: nothing is held against notifications.
        Assert.Equal("Closed", status.GetProperty("breaker").GetProperty("state").GetString());
        Assert.Equal(0, status.GetProperty("breaker").GetProperty("windowFailures").GetInt32());
        using var features = await node.GetJsonAsync("/api/features");
        Assert.True(features.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "notifications").GetProperty("enabled").GetBoolean());
    }
}
