using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Node.Tests;

public sealed class FeatureApiTests(NodeFixture node) : IClassFixture<NodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    private async Task<HttpResponseMessage> PutAsync(string name, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await node.Http.PutAsync($"/api/features/{name}", content);
    }

    private async Task SwitchAsync(string name, string body)
    {
        using var response = await PutAsync(name, body);
        Assert.Equal(200, (int)response.StatusCode);
    }

    private Task<HttpResponseMessage> CheckoutAsync() =>
        node.Http.PostAsJsonAsync("/shop/checkout", new { userId = NodeFixture.NewUser(), productId = "p-102", quantity = 1 });

    [Fact]
    public async Task Every_declared_feature_is_listed_with_its_tier_and_state()
    {
        using var features = await node.GetJsonAsync("/api/features");
        var byName = features.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
        Assert.Equal(["checkout", "notifications", "profile", "recommendations", "reviews", "stock"], byName.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Critical", byName["profile"].GetProperty("tier").GetString());
        Assert.Equal("Critical", byName["checkout"].GetProperty("tier").GetString());
        Assert.Equal("Optional", byName["recommendations"].GetProperty("tier").GetString());
        Assert.Equal("Optional", byName["notifications"].GetProperty("tier").GetString());
        Assert.Equal("Optional", byName["reviews"].GetProperty("tier").GetString());
        Assert.Equal("Important", byName["stock"].GetProperty("tier").GetString());
        Assert.All(byName.Values, f => Assert.True(f.GetProperty("enabled").GetBoolean()));
        Assert.All(byName.Values, f => Assert.Equal("ByTier", f.GetProperty("switch").GetString()));
        Assert.All(byName.Values, f => Assert.True(f.TryGetProperty("until", out _) && f.TryGetProperty("reason", out _)));
    }

    [Fact]
    public async Task Status_carries_the_degradation_and_no_admission_when_the_shedder_is_off()
    {
        using var status = await node.GetJsonAsync("/api/status");
        var degradation = status.RootElement.GetProperty("degradation");
        Assert.Equal("Normal", degradation.GetProperty("level").GetString());
        Assert.InRange(degradation.GetProperty("score").GetDouble(), 0, 1);
        Assert.Equal(JsonValueKind.Array, degradation.GetProperty("reasons").ValueKind);
        Assert.Empty(degradation.GetProperty("disabledTiers").EnumerateArray());
        Assert.Equal(6, degradation.GetProperty("features").GetArrayLength());
        Assert.True(degradation.TryGetProperty("since", out _));
        Assert.Equal(JsonValueKind.Null, status.RootElement.GetProperty("admission").ValueKind);
    }

    [Fact]
    public async Task A_feature_switched_off_by_hand_is_left_out_of_the_page_until_the_setting_is_cleared()
    {
        using (var off = await PutAsync("notifications", """{"enabled": false}"""))
        using (var body = await NodeFixture.Read(off, 200))
        {
            Assert.Equal("notifications", body.RootElement.GetProperty("name").GetString());
            Assert.False(body.RootElement.GetProperty("enabled").GetBoolean());
            Assert.Equal("Manual", body.RootElement.GetProperty("switch").GetString());
        }

        using (var home = await node.GetJsonAsync($"/shop/home/{NodeFixture.NewUser()}"))
        {
            Assert.True(home.RootElement.GetProperty("degraded").GetBoolean());
            var notifications = home.RootElement.GetProperty("notifications");
            Assert.Equal("omitted", notifications.GetProperty("status").GetString());
            Assert.Equal("FeatureDisabled", notifications.GetProperty("reason").GetString());
            Assert.Equal("served", home.RootElement.GetProperty("profile").GetProperty("status").GetString());
            Assert.Equal("served", home.RootElement.GetProperty("recommendations").GetProperty("status").GetString());
        }

        using (var status = await node.GetJsonAsync("/api/status"))
        {
            var feature = status.RootElement.GetProperty("degradation").GetProperty("features").EnumerateArray()
                .Single(f => f.GetProperty("name").GetString() == "notifications");
            Assert.False(feature.GetProperty("enabled").GetBoolean());
            Assert.Equal("Manual", feature.GetProperty("switch").GetString());
            Assert.Equal("Normal", status.RootElement.GetProperty("degradation").GetProperty("level").GetString());
        }

        using (var cleared = await PutAsync("notifications", """{"enabled": null}"""))
        using (var body = await NodeFixture.Read(cleared, 200))
        {
            Assert.True(body.RootElement.GetProperty("enabled").GetBoolean());
            Assert.Equal("ByTier", body.RootElement.GetProperty("switch").GetString());
        }
        using var again = await node.GetJsonAsync($"/shop/home/{NodeFixture.NewUser()}");
        Assert.Equal("served", again.RootElement.GetProperty("notifications").GetProperty("status").GetString());
        Assert.False(again.RootElement.GetProperty("degraded").GetBoolean());
    }

    [Fact]
    public async Task Recommendations_switched_off_are_answered_by_their_fallback_with_the_reason()
    {
        await SwitchAsync("recommendations", """{"enabled": false}""");
        using var home = await node.GetJsonAsync($"/shop/home/{NodeFixture.NewUser()}");
        var recommendations = home.RootElement.GetProperty("recommendations");
        Assert.NotEqual("served", recommendations.GetProperty("status").GetString());
        Assert.Equal("FeatureDisabled", recommendations.GetProperty("reason").GetString());
        Assert.True(home.RootElement.GetProperty("degraded").GetBoolean());
    }

    [Fact]
    public async Task Switched_on_by_hand_a_feature_is_manual_and_on()
    {
        using var on = await PutAsync("reviews", """{"enabled": true}""");
        using var body = await NodeFixture.Read(on, 200);
        Assert.True(body.RootElement.GetProperty("enabled").GetBoolean());
        Assert.Equal("Manual", body.RootElement.GetProperty("switch").GetString());
    }

    [Fact]
    public async Task Checkout_keeps_working_with_every_optional_feature_switched_off()
    {
        foreach (var name in new[] { "recommendations", "notifications", "reviews" })
            await SwitchAsync(name, """{"enabled": false}""");

        using (var response = await CheckoutAsync())
        using (var receipt = await NodeFixture.Read(response, 200))
            Assert.StartsWith("o-", receipt.RootElement.GetProperty("orderId").GetString());

        using var home = await node.GetJsonAsync($"/shop/home/{NodeFixture.NewUser()}");
        Assert.Equal("served", home.RootElement.GetProperty("profile").GetProperty("status").GetString());
        Assert.Equal("FeatureDisabled", home.RootElement.GetProperty("recommendations").GetProperty("reason").GetString());

        using var product = await node.GetJsonAsync("/shop/product/p-102");
        Assert.Equal("omitted", product.RootElement.GetProperty("reviews").GetProperty("status").GetString());
        Assert.Equal("FeatureDisabled", product.RootElement.GetProperty("reviews").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Checkout_is_critical_it_goes_off_only_by_hand()
    {
        // Not by its tier: CRITICAL is never in the disabled tiers, so the checkout feature is on "ByTier".
        using (var features = await node.GetJsonAsync("/api/features"))
        {
            var checkout = features.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "checkout");
            Assert.True(checkout.GetProperty("enabled").GetBoolean());
            Assert.Equal("ByTier", checkout.GetProperty("switch").GetString());
        }

        // By hand it does go off: checkout then answers 503 naming the reason, until the setting is cleared.
        await SwitchAsync("checkout", """{"enabled": false}""");
        using (var response = await CheckoutAsync())
        using (var error = await NodeFixture.Read(response, 503))
            Assert.Equal("FeatureDisabled", error.RootElement.GetProperty("reason").GetString());

        await SwitchAsync("checkout", """{"enabled": null}""");
        using var again = await CheckoutAsync();
        Assert.Equal(200, (int)again.StatusCode);
    }

    [Theory]
    [InlineData("""{"enabled": "no"}""", "\"enabled\" must be true, false or null")]
    [InlineData("""{"enabled": 0}""", "\"enabled\" must be true, false or null")]
    [InlineData("""{}""", "\"enabled\" is missing")]
    [InlineData("""{"enabled": false, "until": 5}""", "Unknown field(s) 'until'")]
    [InlineData("""[false]""", "must be a JSON object")]
    [InlineData("""{"enabled": fals""", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    public async Task Bad_bodies_get_400_with_the_reason(string body, string expected)
    {
        using var response = await PutAsync("notifications", body);
        using var error = await NodeFixture.Read(response, 400);
        Assert.Contains(expected, error.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unknown_feature_gets_404_naming_it()
    {
        using var response = await PutAsync("nope", """{"enabled": false}""");
        using var error = await NodeFixture.Read(response, 404);
        Assert.Contains("'nope'", error.RootElement.GetProperty("error").GetString());
    }
}
