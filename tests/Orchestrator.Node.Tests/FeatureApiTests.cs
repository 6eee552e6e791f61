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

    [Fact]
    public async Task Every_declared_feature_is_listed_with_its_tier_and_state()
    {
        using var features = await node.GetJsonAsync("/api/features");
        var byName = features.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
        Assert.Equal("Optional", byName["home.notifications"].GetProperty("tier").GetString());
        Assert.Equal("Critical", byName["checkout.charge"].GetProperty("tier").GetString());
        Assert.All(byName.Values, f => Assert.True(f.GetProperty("enabled").GetBoolean()));
        Assert.All(byName.Values, f => Assert.Equal("ByTier", f.GetProperty("switch").GetString()));
    }

    [Fact]
    public async Task A_feature_switched_off_by_hand_is_left_out_of_the_page_until_the_setting_is_cleared()
    {
        using (var off = await PutAsync("home.notifications", """{"enabled": false}"""))
        using (var body = await NodeFixture.Read(off, 200))
        {
            Assert.False(body.RootElement.GetProperty("enabled").GetBoolean());
            Assert.Equal("Manual", body.RootElement.GetProperty("switch").GetString());
        }

        using (var home = await node.GetJsonAsync($"/shop/home/{NodeFixture.NewUser()}"))
        {
            var notifications = home.RootElement.GetProperty("notifications");
            Assert.Equal("omitted", notifications.GetProperty("status").GetString());
            Assert.Equal("FeatureDisabled", notifications.GetProperty("reason").GetString());
            Assert.Equal("served", home.RootElement.GetProperty("profile").GetProperty("status").GetString());
        }

        using (var status = await node.GetJsonAsync("/api/status"))
        {
            var feature = status.RootElement.GetProperty("degradation").GetProperty("features").EnumerateArray()
                .Single(f => f.GetProperty("name").GetString() == "home.notifications");
            Assert.False(feature.GetProperty("enabled").GetBoolean());
            Assert.Equal("Normal", status.RootElement.GetProperty("degradation").GetProperty("level").GetString());
        }

        using (var cleared = await PutAsync("home.notifications", """{"enabled": null}"""))
            Assert.True((await NodeFixture.Read(cleared, 200)).RootElement.GetProperty("enabled").GetBoolean());
        using var again = await node.GetJsonAsync($"/shop/home/{NodeFixture.NewUser()}");
        Assert.Equal("served", again.RootElement.GetProperty("notifications").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Checkout_keeps_working_with_every_optional_and_important_feature_switched_off()
    {
        foreach (var name in new[] { "home.recommendations", "home.notifications", "product.reviews", "product.stock" })
            using (var off = await PutAsync(name, """{"enabled": false}""")) Assert.Equal(200, (int)off.StatusCode);
        using var home = await node.GetJsonAsync($"/shop/home/{NodeFixture.NewUser()}");
        Assert.Equal("served", home.RootElement.GetProperty("profile").GetProperty("status").GetString());
        Assert.Equal("FeatureDisabled", home.RootElement.GetProperty("recommendations").GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("""{"enabled": "no"}""", "\"enabled\" must be true, false or null")]
    [InlineData("""{}""", "\"enabled\" is missing")]
    [InlineData("""{"enabled": false, "until": 5}""", "Unknown field(s) 'until'")]
    [InlineData("""[false]""", "must be a JSON object")]
    [InlineData("""{"enabled": fals""", "not valid JSON")]
    public async Task Bad_bodies_get_400_with_the_reason(string body, string expected)
    {
        using var response = await PutAsync("home.notifications", body);
        using var error = await NodeFixture.Read(response, 400);
        Assert.Contains(expected, error.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unknown_feature_gets_404_naming_it()
    {
        using var response = await PutAsync("home.nope", """{"enabled": false}""");
        using var error = await NodeFixture.Read(response, 404);
        Assert.Contains("'home.nope'", error.RootElement.GetProperty("error").GetString());
    }
}
