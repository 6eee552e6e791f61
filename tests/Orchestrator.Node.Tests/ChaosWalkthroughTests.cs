using System.Text.Json;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>
/// The chaos walkthrough of docs/operations.md ("Try it: a chaos walkthrough"), steps 3, 6 and 8, followed in order
/// and at once, as a person pasting them would: each step gives the answer the walkthrough documents (issue 12: the
/// recommendations feature's cool-down from step 3 outlived the operator's reset and answered FeatureDisabled in
/// steps 6 and 8).
/// </summary>
public sealed class ChaosWalkthroughTests(WalkthroughNodeFixture node) : IClassFixture<WalkthroughNodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    private async Task<JsonElement> RecommendationsOf(string path)
    {
        using var home = await node.GetJsonAsync(path);
        return home.RootElement.GetProperty("recommendations").Clone();
    }

    private async Task<JsonElement> RecommendationsFeatureAsync()
    {
        using var features = await node.GetJsonAsync("/api/features");
        return features.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "recommendations").Clone();
    }

    private async Task OperatorAsync(HttpMethod method, string path, string body = "{}")
    {
        using var response = await node.OperatorAsync(method, path, body);
        (await NodeFixture.Read(response, 200)).Dispose();
    }

    [Fact]
    public async Task Steps_3_6_and_8_followed_right_after_one_another_give_the_documented_answers()
    {
        var recommendations = DemoServices.Recommendations;

        // 3. Recommendations down: failures open its breaker; calls answer at once, "reason":"BreakerOpen".
        await OperatorAsync(HttpMethod.Post, $"/api/demo/services/{recommendations}", """{"outage": true}""");
        var bob = NodeFixture.NewUser();
        await Poll.UntilAsync(async () =>
        {
            await RecommendationsOf($"/shop/home/{bob}");
            return (await node.DependencyStatusAsync(recommendations)).GetProperty("breaker").GetProperty("state").GetString();
        }, s => s == "Open", "the recommendations breaker to open");
        var first = await RecommendationsOf($"/shop/home/{bob}");
        Assert.Equal("degraded", first.GetProperty("status").GetString());
        Assert.Equal("popular", first.GetProperty("data").GetProperty("kind").GetString());
        // BreakerOpen until the coordinator samples; FeatureDisabled once it did (it may already have).
        Assert.Contains(first.GetProperty("reason").GetString(), new[] { "BreakerOpen", "FeatureDisabled" });

        //    Once the coordinator has sampled, the feature is in its cool-down: "FeatureDisabled", shown in /api/features.
        var cooled = await Poll.UntilAsync(() => RecommendationsOf($"/shop/home/{bob}"),
            r => r.GetProperty("reason").GetString() == "FeatureDisabled", "the recommendations feature to go into its cool-down");
        Assert.Equal("degraded", cooled.GetProperty("status").GetString());
        Assert.Equal("popular", cooled.GetProperty("data").GetProperty("kind").GetString());
        var feature = await RecommendationsFeatureAsync();
        Assert.False(feature.GetProperty("enabled").GetBoolean());
        Assert.Equal("Temporary", feature.GetProperty("switch").GetString());
        Assert.Equal(JsonValueKind.String, feature.GetProperty("until").ValueKind);
        Assert.Contains("keeps failing", feature.GetProperty("reason").GetString());
        Assert.Equal("Open", (await node.DependencyStatusAsync(recommendations)).GetProperty("breaker").GetProperty("state").GetString());

        //    The service back, the breaker reset by hand: the reset also ends the cool-down, at once.
        await OperatorAsync(HttpMethod.Delete, $"/api/demo/services/{recommendations}");
        await OperatorAsync(HttpMethod.Post, $"/api/dependencies/{recommendations}/reset");
        feature = await RecommendationsFeatureAsync();
        Assert.True(feature.GetProperty("enabled").GetBoolean());
        Assert.Equal("ByTier", feature.GetProperty("switch").GetString());
        Assert.Equal(JsonValueKind.Null, feature.GetProperty("until").ValueKind);

        // 6. Slow services cannot hold a page past its deadline: recommendations cut by the deadline, not FeatureDisabled.
        await OperatorAsync(HttpMethod.Post, $"/api/demo/services/{recommendations}", """{"latencyMs": 5000}""");
        await OperatorAsync(HttpMethod.Post, $"/api/demo/services/{DemoServices.Notifications}", """{"latencyMs": 5000}""");
        using (var page = await node.GetJsonAsync($"/shop/home/{NodeFixture.NewUser()}?deadlineMs=300"))
        {
            var root = page.RootElement;
            Assert.Equal(300, root.GetProperty("deadlineMs").GetDouble());
            foreach (var section in new[] { "recommendations", "notifications" })
            {
                var s = root.GetProperty(section);
                Assert.True(s.GetProperty("reason").GetString() == "DeadlineExceeded", $"{section}: {s}");
                Assert.Equal("omitted", s.GetProperty("status").GetString());
            }
        }
        await OperatorAsync(HttpMethod.Delete, $"/api/demo/services/{recommendations}");
        await OperatorAsync(HttpMethod.Delete, $"/api/demo/services/{DemoServices.Notifications}");

        // 8. Isolated by hand: "reason":"BreakerOpen", "detail":"... isolated by hand.", no cool-down; then reset.
        await OperatorAsync(HttpMethod.Post, $"/api/dependencies/{recommendations}/isolate");
        var isolated = await RecommendationsOf($"/shop/home/{NodeFixture.NewUser()}");
        Assert.Equal("degraded", isolated.GetProperty("status").GetString());
        Assert.Equal("BreakerOpen", isolated.GetProperty("reason").GetString());
        Assert.EndsWith("isolated by hand.", isolated.GetProperty("detail").GetString());
        Assert.True((await RecommendationsFeatureAsync()).GetProperty("enabled").GetBoolean());
        await OperatorAsync(HttpMethod.Post, $"/api/dependencies/{recommendations}/reset");
        Assert.Equal("served", (await RecommendationsOf($"/shop/home/{NodeFixture.NewUser()}")).GetProperty("status").GetString());
    }
}
