using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>
/// A node for the retry tests: the homepage's deadline is 10 s instead of 800 ms. These tests are about retries; on a
/// starved machine (under <c>scripts/test-under-load.sh</c>) a failed attempt, its backoff and the retry once took
/// longer than 800 ms, and the page was refused for its deadline (HomePageTests test the deadline itself).
/// </summary>
public sealed class RetryNodeFixture : NodeFixture
{
    /// <inheritdoc />
    /// <remarks>
    /// Without the demo's hedging of profile: these tests count retries exactly, and an attempt slower than the hedge
    /// delay on a busy machine would let the replica's hedge answer instead of a retry (HomePageTests covers hedging).
    /// </remarks>
    protected override string[] ExtraArgs => ["--Shop:HomeDeadline=00:00:10", "--Orchestrator:Dependencies:profile:Hedging:MaxHedges=0"];
}

/// <summary>profile retries (appsettings.json: 3 attempts, 50..500 ms backoff): a deterministic fault pattern.</summary>
public sealed class RetryTests(RetryNodeFixture node) : IClassFixture<RetryNodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    [Fact]
    public async Task With_every_third_profile_request_failing_retries_serve_every_page_from_the_primary()
    {
        await node.SetChaosAsync(DemoServices.Profile, new { failEveryNth = 3 });
        var user = NodeFixture.NewUser();

        // One page at a time: requests 3, 6, 9... fail, and each such call's retry (the next request) succeeds.
        const int pages = 30;
        for (var i = 0; i < pages; i++)
        {
            using var home = await node.GetJsonAsync($"/shop/home/{user}");
            var profile = home.RootElement.GetProperty("profile");
            Assert.True(profile.GetProperty("status").GetString() == "served", $"page {i + 1}: {profile}");
        }

        var status = await node.DependencyStatusAsync(DemoServices.Profile);
        var retry = status.GetProperty("retry");
        Assert.Equal(pages / 2 - 1, retry.GetProperty("retries").GetInt64()); // calls 3, 5, 7 ... 29 needed one retry each
        Assert.Equal(0, retry.GetProperty("denied").GetInt64());
        Assert.True(retry.GetProperty("windowAttempts").GetInt32() >= 1);
        Assert.Equal("profile-replica", status.GetProperty("replica").GetString());
        Assert.Equal("Closed", status.GetProperty("breaker").GetProperty("state").GetString());
    }
}

/// <summary>profile retries under a random error rate: a node of its own, so the retry budget is untouched.</summary>
public sealed class RandomErrorRetryTests(RetryNodeFixture node) : IClassFixture<RetryNodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    [Fact]
    public async Task With_half_the_profile_requests_failing_every_page_is_still_served_and_retries_are_counted()
    {
        await node.SetChaosAsync(DemoServices.Profile, new { errorRate = 0.5 });
        var user = NodeFixture.NewUser();

        // Each call gets up to 3 attempts; what retries cannot save (or once the breaker opens, as half the attempts
        // fail) the replica answers. Either way the page is served.
        var served = 0;
        for (var i = 0; i < 40; i++)
        {
            using var home = await node.GetJsonAsync($"/shop/home/{user}");
            var profile = home.RootElement.GetProperty("profile");
            if (profile.GetProperty("status").GetString() == "served") served++;
            else Assert.Equal("Replica", profile.GetProperty("source").GetString());
        }

        var status = await node.DependencyStatusAsync(DemoServices.Profile);
        var retry = status.GetProperty("retry");
        Assert.True(retry.GetProperty("retries").GetInt64() > 0, $"no retry in 40 calls with half of them failing: {retry}");
        // Served by profile itself, or not at all only when its breaker opened (half the attempts failing can open it
        // before the first page is served: five failures in a row, one run in about 32): the replica then served them all.
        var breaker = status.GetProperty("breaker");
        Assert.True(served > 0 || breaker.GetProperty("trips").GetInt32() > 0, $"no page served by profile, and its breaker never opened: {breaker}");
    }
}
