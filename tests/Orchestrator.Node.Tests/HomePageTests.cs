using System.Text.Json;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

public sealed class HomePageTests(NodeFixture node) : IClassFixture<NodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    private async Task<JsonDocument> HomeAsync(string user = "u1", int expectedStatus = 200)
    {
        using var response = await node.Http.GetAsync($"/shop/home/{user}");
        return await NodeFixture.Read(response, expectedStatus);
    }

    [Fact]
    public async Task With_every_dependency_up_every_section_is_served()
    {
        using var home = await HomeAsync();
        var root = home.RootElement;

        Assert.Equal("u1", root.GetProperty("userId").GetString());
        Assert.False(root.GetProperty("degraded").GetBoolean());
        foreach (var section in new[] { "profile", "recommendations", "notifications" })
        {
            Assert.Equal("served", root.GetProperty(section).GetProperty("status").GetString());
            Assert.False(root.GetProperty(section).TryGetProperty("reason", out _));
        }
        Assert.Equal("u1", root.GetProperty("profile").GetProperty("data").GetProperty("userId").GetString());
        Assert.Equal("personalised", root.GetProperty("recommendations").GetProperty("data").GetProperty("kind").GetString());
        Assert.NotEmpty(root.GetProperty("notifications").GetProperty("data").GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task With_recommendations_down_the_page_still_answers_with_popular_items()
    {
        await node.SetChaosAsync(DemoServices.Recommendations, new { outage = true });

        using var home = await HomeAsync();
        var root = home.RootElement;
        var recommendations = root.GetProperty("recommendations");

        Assert.True(root.GetProperty("degraded").GetBoolean());
        Assert.Equal("degraded", recommendations.GetProperty("status").GetString());
        Assert.Equal("CallFallback", recommendations.GetProperty("source").GetString());
        Assert.Equal("Error", recommendations.GetProperty("reason").GetString());
        Assert.Contains("503", recommendations.GetProperty("detail").GetString());
        Assert.Equal("popular", recommendations.GetProperty("data").GetProperty("kind").GetString());
        Assert.NotEmpty(recommendations.GetProperty("data").GetProperty("items").EnumerateArray());
        Assert.Equal("served", root.GetProperty("profile").GetProperty("status").GetString());
        Assert.Equal("served", root.GetProperty("notifications").GetProperty("status").GetString());
    }

    [Fact]
    public async Task With_notifications_down_the_section_is_omitted()
    {
        await node.SetChaosAsync(DemoServices.Notifications, new { outage = true });

        using var home = await HomeAsync();
        var notifications = home.RootElement.GetProperty("notifications");

        Assert.Equal("omitted", notifications.GetProperty("status").GetString());
        Assert.Equal("Error", notifications.GetProperty("reason").GetString());
        Assert.False(notifications.TryGetProperty("data", out _));
        Assert.False(notifications.TryGetProperty("source", out _));
        Assert.Equal("served", home.RootElement.GetProperty("recommendations").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Notifications_slower_than_their_timeout_are_omitted_with_reason_Timeout()
    {
        // notifications' timeout is 1 s (appsettings.json); the simulated service now takes 10 s.
        await node.SetChaosAsync(DemoServices.Notifications, new { latencyMs = 10_000 });

        using var home = await HomeAsync();
        var notifications = home.RootElement.GetProperty("notifications");

        Assert.Equal("omitted", notifications.GetProperty("status").GetString());
        Assert.Equal("Timeout", notifications.GetProperty("reason").GetString());
        Assert.InRange(notifications.GetProperty("elapsedMs").GetDouble(), 900, 9_000);
    }

    [Fact]
    public async Task With_profile_down_the_page_is_refused_with_503_naming_profile()
    {
        await node.SetChaosAsync(DemoServices.Profile, new { outage = true });

        using var body = await HomeAsync(expectedStatus: 503);

        Assert.Equal("profile", body.RootElement.GetProperty("dependency").GetString());
        Assert.Equal("Error", body.RootElement.GetProperty("reason").GetString());
        Assert.Contains("'profile'", body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Repeated_failures_open_the_recommendations_breaker_after_which_the_fallback_answers_at_once()
    {
        await node.SetChaosAsync(DemoServices.Recommendations, new { outage = true });

        // Failures in a row open the breaker (5 in appsettings.json); send pages until the status shows it open.
        var requests = 0;
        var breaker = await Poll.UntilAsync(async () =>
        {
            requests++;
            (await HomeAsync()).Dispose();
            return (await node.DependencyStatusAsync(DemoServices.Recommendations)).GetProperty("breaker");
        }, b => b.GetProperty("state").GetString() == "Open", "the recommendations breaker to open");
        Assert.InRange(requests, 5, 10);
        Assert.NotEqual(JsonValueKind.Null, breaker.GetProperty("openUntil").ValueKind);
        Assert.True(breaker.GetProperty("trips").GetInt32() >= 1);

        using var home = await HomeAsync();
        var recommendations = home.RootElement.GetProperty("recommendations");
        Assert.Equal("degraded", recommendations.GetProperty("status").GetString());
        Assert.Equal("CallFallback", recommendations.GetProperty("source").GetString());
        Assert.Equal("BreakerOpen", recommendations.GetProperty("reason").GetString());
        Assert.Equal("popular", recommendations.GetProperty("data").GetProperty("kind").GetString());

        // Fail fast: with the breaker open, even a recovered service is not called until the breaker lets a probe through.
        using var cleared = await node.Http.DeleteAsync($"/api/chaos/{DemoServices.Recommendations}");
        using var again = await HomeAsync();
        Assert.Equal("BreakerOpen", again.RootElement.GetProperty("recommendations").GetProperty("reason").GetString());
    }
}
