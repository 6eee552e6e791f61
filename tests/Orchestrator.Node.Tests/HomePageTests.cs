using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

public sealed class HomePageTests(NodeFixture node) : IClassFixture<NodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    private async Task<JsonDocument> HomeAsync(string user, int expectedStatus = 200, string query = "")
    {
        using var response = await node.Http.GetAsync($"/shop/home/{user}{query}");
        return await NodeFixture.Read(response, expectedStatus);
    }

    [Fact]
    public async Task With_every_dependency_up_every_section_is_served_within_the_default_deadline()
    {
        var user = NodeFixture.NewUser();
        var before = DateTimeOffset.UtcNow;
        using var home = await HomeAsync(user);
        var root = home.RootElement;

        Assert.Equal(user, root.GetProperty("userId").GetString());
        Assert.False(root.GetProperty("degraded").GetBoolean());
        Assert.Equal(800, root.GetProperty("deadlineMs").GetDouble()); // Shop:HomeDeadline in appsettings.json
        Assert.InRange(root.GetProperty("deadline").GetDateTimeOffset(), before.AddMilliseconds(800), DateTimeOffset.UtcNow.AddMilliseconds(800));
        Assert.InRange(root.GetProperty("elapsedMs").GetDouble(), 0, 800);
        foreach (var section in new[] { "profile", "recommendations", "notifications" })
        {
            var s = root.GetProperty(section);
            Assert.Equal("served", s.GetProperty("status").GetString());
            foreach (var absent in new[] { "reason", "source", "detail", "freshness", "ageMs", "trail" })
                Assert.False(s.TryGetProperty(absent, out _), $"{section} has '{absent}'");
        }
        var profile = root.GetProperty("profile").GetProperty("data");
        Assert.Equal(user, profile.GetProperty("userId").GetString());
        Assert.Equal("profile", profile.GetProperty("servedBy").GetString());
        Assert.Equal("personalised", root.GetProperty("recommendations").GetProperty("data").GetProperty("kind").GetString());
        Assert.NotEmpty(root.GetProperty("notifications").GetProperty("data").GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task With_recommendations_down_a_user_never_seen_gets_popular_items_from_the_calls_fallback()
    {
        await node.SetChaosAsync(DemoServices.Recommendations, new { outage = true });

        using var home = await HomeAsync(NodeFixture.NewUser());
        var root = home.RootElement;
        var recommendations = root.GetProperty("recommendations");

        Assert.True(root.GetProperty("degraded").GetBoolean());
        Assert.Equal("degraded", recommendations.GetProperty("status").GetString());
        Assert.Equal("CallFallback", recommendations.GetProperty("source").GetString());
        Assert.Equal("Error", recommendations.GetProperty("reason").GetString());
        Assert.Contains("503", recommendations.GetProperty("detail").GetString());
        Assert.Equal("popular", recommendations.GetProperty("data").GetProperty("kind").GetString());
        Assert.NotEmpty(recommendations.GetProperty("data").GetProperty("items").EnumerateArray());
        // personalised (failed) -> cached (nothing for this user) -> popular
        Assert.Equal(["primary", "stale-cache"], recommendations.GetProperty("trail").EnumerateArray().Select(s => s.GetProperty("step").GetString()));
        Assert.Equal("served", root.GetProperty("profile").GetProperty("status").GetString());
        Assert.Equal("served", root.GetProperty("notifications").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Within_its_fresh_time_the_cached_list_answers_even_while_recommendations_are_down()
    {
        var user = NodeFixture.NewUser();
        using (var first = await HomeAsync(user))
            Assert.Equal("served", first.RootElement.GetProperty("recommendations").GetProperty("status").GetString());
        await node.SetChaosAsync(DemoServices.Recommendations, new { outage = true });

        // FreshFor is 5 s (appsettings.json): the list fetched a moment ago is as good as live.
        using var home = await HomeAsync(user);
        var recommendations = home.RootElement.GetProperty("recommendations");
        Assert.Equal("served", recommendations.GetProperty("status").GetString());
        Assert.Equal("Cached", recommendations.GetProperty("freshness").GetString());
        Assert.InRange(recommendations.GetProperty("ageMs").GetDouble(), 0, 5_000);
        Assert.Equal("personalised", recommendations.GetProperty("data").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task With_notifications_down_the_section_is_omitted()
    {
        await node.SetChaosAsync(DemoServices.Notifications, new { outage = true });

        using var home = await HomeAsync(NodeFixture.NewUser());
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
        // notifications' timeout is 1 s (appsettings.json); the simulated service now takes 10 s; the page has 3 s.
        await node.SetChaosAsync(DemoServices.Notifications, new { latencyMs = 10_000 });

        using var home = await HomeAsync(NodeFixture.NewUser(), query: "?deadlineMs=3000");
        var notifications = home.RootElement.GetProperty("notifications");

        Assert.Equal(3000, home.RootElement.GetProperty("deadlineMs").GetDouble());
        Assert.Equal("omitted", notifications.GetProperty("status").GetString());
        Assert.Equal("Timeout", notifications.GetProperty("reason").GetString());
        Assert.InRange(notifications.GetProperty("elapsedMs").GetDouble(), 900, 2_900);
    }

    [Fact]
    public async Task Slow_dependencies_never_hold_the_page_much_past_its_deadline()
    {
        await node.SetChaosAsync(DemoServices.Notifications, new { latencyMs = 5_000 });
        await node.SetChaosAsync(DemoServices.Recommendations, new { latencyMs = 5_000 });

        var clock = Stopwatch.StartNew();
        using var home = await HomeAsync(NodeFixture.NewUser(), query: "?deadlineMs=300");
        clock.Stop();
        var root = home.RootElement;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"The page took {clock.Elapsed.TotalMilliseconds:0} ms with a 300 ms deadline.");
        Assert.Equal(300, root.GetProperty("deadlineMs").GetDouble());
        Assert.InRange(root.GetProperty("elapsedMs").GetDouble(), 250, 1_500);
        Assert.True(root.GetProperty("degraded").GetBoolean());
        Assert.Equal("served", root.GetProperty("profile").GetProperty("status").GetString());
        var notifications = root.GetProperty("notifications");
        Assert.Equal("omitted", notifications.GetProperty("status").GetString());
        Assert.Equal("DeadlineExceeded", notifications.GetProperty("reason").GetString());
        Assert.Contains(root.GetProperty("recommendations").GetProperty("status").GetString(), new[] { "omitted", "degraded" });
    }

    [Fact]
    public async Task A_critical_part_cut_off_by_the_deadline_fails_the_page_with_503()
    {
        await node.SetChaosAsync(DemoServices.Profile, new { latencyMs = 5_000 });

        var clock = Stopwatch.StartNew();
        using var body = await HomeAsync(NodeFixture.NewUser(), 503, "?deadlineMs=200");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"The page took {clock.Elapsed.TotalMilliseconds:0} ms with a 200 ms deadline.");
        Assert.Equal("profile", body.RootElement.GetProperty("dependency").GetString());
        Assert.Equal("DeadlineExceeded", body.RootElement.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("?deadlineMs=0")]
    [InlineData("?deadlineMs=10001")]
    [InlineData("?deadlineMs=-5")]
    [InlineData("?deadlineMs=1.5")]
    [InlineData("?deadlineMs=abc")]
    [InlineData("?deadlineMs=")]
    [InlineData("?deadlineMs=%2B300")]
    [InlineData("?deadlineMs=99999999999")]
    [InlineData("?deadlineMs=300&deadlineMs=400")]
    public async Task A_bad_deadline_is_400_with_the_reason(string query)
    {
        using var body = await HomeAsync("u1", 400, query);
        var error = body.RootElement.GetProperty("error").GetString();
        Assert.Contains("deadlineMs", error);
    }

    [Fact]
    public async Task The_longest_deadline_is_accepted()
    {
        using var home = await HomeAsync(NodeFixture.NewUser(), query: "?deadlineMs=10000");
        Assert.Equal(10_000, home.RootElement.GetProperty("deadlineMs").GetDouble());
    }

    [Fact]
    public async Task With_profile_down_its_read_replica_answers_and_the_page_is_served()
    {
        await node.SetChaosAsync(DemoServices.Profile, new { outage = true });

        var user = NodeFixture.NewUser();
        using var home = await HomeAsync(user);
        var profile = home.RootElement.GetProperty("profile");

        Assert.True(home.RootElement.GetProperty("degraded").GetBoolean());
        Assert.Equal("degraded", profile.GetProperty("status").GetString());
        Assert.Equal("Replica", profile.GetProperty("source").GetString());
        Assert.Equal("PossiblyStale", profile.GetProperty("freshness").GetString());
        Assert.Equal("Error", profile.GetProperty("reason").GetString());
        Assert.Contains("profile-replica", profile.GetProperty("detail").GetString());
        var data = profile.GetProperty("data");
        Assert.Equal(user, data.GetProperty("userId").GetString());
        Assert.Equal("profile-replica", data.GetProperty("servedBy").GetString());
        // The replica lags (Downstream:ReplicaLag, 2 s): its data is as of before the request.
        Assert.True(data.GetProperty("asOf").GetDateTimeOffset() < DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.Equal("served", home.RootElement.GetProperty("recommendations").GetProperty("status").GetString());
    }

    [Fact]
    public async Task With_profile_slow_the_hedge_to_its_read_replica_answers_and_the_page_says_which_attempt_won()
    {
        // The demo hedges profile reads to profile-replica after 300 ms (Hedging in appsettings.json); profile now takes 3 s.
        await node.SetChaosAsync(DemoServices.Profile, new { latencyMs = 3_000 });
        var before = (await node.DependencyStatusAsync(DemoServices.Profile)).GetProperty("hedging");

        var user = NodeFixture.NewUser();
        using var home = await HomeAsync(user, query: "?deadlineMs=5000");
        var profile = home.RootElement.GetProperty("profile");

        Assert.Equal("served", profile.GetProperty("status").GetString());
        Assert.Equal("PossiblyStale", profile.GetProperty("freshness").GetString());
        var hedge = profile.GetProperty("hedge");
        Assert.Equal(1, hedge.GetProperty("hedges").GetInt32());
        Assert.Equal(2, hedge.GetProperty("winningAttempt").GetInt32());
        Assert.Equal("profile-replica", hedge.GetProperty("answeredBy").GetString());
        Assert.Equal("profile-replica", profile.GetProperty("data").GetProperty("servedBy").GetString());

        var after = (await node.DependencyStatusAsync(DemoServices.Profile)).GetProperty("hedging");
        Assert.Equal(1, after.GetProperty("maxHedges").GetInt32());
        Assert.Equal("Replica", after.GetProperty("target").GetString());
        Assert.True(after.GetProperty("won").GetInt64() > before.GetProperty("won").GetInt64(), $"before {before}, after {after}");
    }

    [Fact]
    public async Task With_profile_and_its_replica_down_the_page_is_refused_with_503_naming_both_steps()
    {
        await node.SetChaosAsync(DemoServices.Profile, new { outage = true });
        await node.SetChaosAsync(DemoServices.ProfileReplica, new { outage = true });

        using var body = await HomeAsync(NodeFixture.NewUser(), expectedStatus: 503);
        var root = body.RootElement;

        Assert.Equal("profile", root.GetProperty("dependency").GetString());
        Assert.Equal("Failed", root.GetProperty("outcome").GetString());
        Assert.Equal("Error", root.GetProperty("reason").GetString());
        Assert.Contains("'profile'", root.GetProperty("error").GetString());
        var steps = root.GetProperty("trail").EnumerateArray().Select(s => s.GetProperty("step").GetString()).ToList();
        Assert.Contains("primary", steps);
        Assert.Contains("replica:profile-replica", steps);
    }

    [Fact]
    public async Task Repeated_failures_open_the_recommendations_breaker_after_which_the_fallback_answers_at_once()
    {
        await node.SetChaosAsync(DemoServices.Recommendations, new { outage = true });
        var user = NodeFixture.NewUser(); // never served, so nothing is cached for it

        // Failures in a row open the breaker (5 in appsettings.json); send pages until the status shows it open.
        var requests = 0;
        var breaker = await Poll.UntilAsync(async () =>
        {
            requests++;
            (await HomeAsync(user)).Dispose();
            return (await node.DependencyStatusAsync(DemoServices.Recommendations)).GetProperty("breaker");
        }, b => b.GetProperty("state").GetString() == "Open", "the recommendations breaker to open");
        Assert.InRange(requests, 5, 10);
        Assert.NotEqual(JsonValueKind.Null, breaker.GetProperty("openUntil").ValueKind);
        Assert.True(breaker.GetProperty("trips").GetInt32() >= 1);

        using var home = await HomeAsync(user);
        var recommendations = home.RootElement.GetProperty("recommendations");
        Assert.Equal("degraded", recommendations.GetProperty("status").GetString());
        Assert.Equal("CallFallback", recommendations.GetProperty("source").GetString());
        Assert.Equal("BreakerOpen", recommendations.GetProperty("reason").GetString());
        Assert.Equal("popular", recommendations.GetProperty("data").GetProperty("kind").GetString());

        // Fail fast: with the breaker open, even a recovered service is not called until the breaker lets a probe through.
        using var cleared = await node.OperatorDeleteAsync($"/api/demo/services/{DemoServices.Recommendations}");
        using var again = await HomeAsync(user);
        Assert.Equal("BreakerOpen", again.RootElement.GetProperty("recommendations").GetProperty("reason").GetString());
    }
}
