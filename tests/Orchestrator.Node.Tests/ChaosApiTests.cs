using System.Net.Http.Json;
using System.Text;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

public sealed class ChaosApiTests(NodeFixture node) : IClassFixture<NodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    private async Task<string> ErrorOf(HttpResponseMessage response, int expectedStatus)
    {
        using (response)
        using (var body = await NodeFixture.Read(response, expectedStatus))
            return body.RootElement.GetProperty("error").GetString()!;
    }

    private Task<HttpResponseMessage> PostRaw(string dependency, string json) =>
        node.Http.PostAsync($"/api/demo/services/{dependency}", new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Lists_every_simulated_dependency_without_chaos()
    {
        using var list = await node.GetJsonAsync("/api/demo/services");
        var dependencies = list.RootElement.GetProperty("dependencies").EnumerateArray().ToList();

        Assert.Equal(DemoServices.All, dependencies.Select(d => d.GetProperty("dependency").GetString()));
        Assert.All(dependencies, d =>
        {
            Assert.Equal(0, d.GetProperty("errorRate").GetDouble());
            Assert.Equal(0, d.GetProperty("latencyMs").GetInt32());
            Assert.False(d.GetProperty("outage").GetBoolean());
            Assert.Equal(0, d.GetProperty("failEveryNth").GetInt32());
            Assert.False(d.GetProperty("active").GetBoolean());
        });
    }

    [Fact]
    public async Task A_change_merges_onto_the_current_chaos()
    {
        await node.SetChaosAsync(DemoServices.Reviews, new { errorRate = 0.25, latencyMs = 5 });
        using var response = await node.Http.PostAsJsonAsync($"/api/demo/services/{DemoServices.Reviews}", new { outage = true });
        using var merged = await NodeFixture.Read(response, 200);

        Assert.Equal("reviews", merged.RootElement.GetProperty("dependency").GetString());
        Assert.Equal(0.25, merged.RootElement.GetProperty("errorRate").GetDouble());
        Assert.Equal(5, merged.RootElement.GetProperty("latencyMs").GetInt32());
        Assert.True(merged.RootElement.GetProperty("outage").GetBoolean());
        Assert.True(merged.RootElement.GetProperty("active").GetBoolean());

        using var one = await node.GetJsonAsync($"/api/demo/services/{DemoServices.Reviews}");
        Assert.True(one.RootElement.GetProperty("outage").GetBoolean());
    }

    [Fact]
    public async Task An_outage_makes_the_simulated_service_answer_503()
    {
        await node.SetChaosAsync(DemoServices.Profile, new { outage = true });

        var error = await ErrorOf(await node.Downstream.GetAsync("downstream/profile/u1"), 503);
        Assert.Contains("outage", error);
        Assert.Contains("profile", error);
    }

    [Fact]
    public async Task An_error_rate_of_one_fails_every_request_and_zero_none()
    {
        await node.SetChaosAsync(DemoServices.Inventory, new { errorRate = 1.0 });
        for (var i = 0; i < 5; i++)
            Assert.Contains("error rate", await ErrorOf(await node.Downstream.GetAsync($"downstream/inventory/stock/p-{i}"), 503));

        await node.SetChaosAsync(DemoServices.Inventory, new { errorRate = 0 });
        for (var i = 0; i < 5; i++)
            (await node.Downstream.GetAsync($"downstream/inventory/stock/p-{i}")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Fail_every_nth_fails_exactly_every_nth_request_counted_from_when_it_was_set()
    {
        await node.SetChaosAsync(DemoServices.Inventory, new { failEveryNth = 3 });
        using (var view = await node.GetJsonAsync($"/api/demo/services/{DemoServices.Inventory}"))
        {
            Assert.Equal(3, view.RootElement.GetProperty("failEveryNth").GetInt32());
            Assert.True(view.RootElement.GetProperty("active").GetBoolean());
        }

        var statuses = new List<int>();
        for (var i = 0; i < 7; i++)
            using (var response = await node.Downstream.GetAsync($"downstream/inventory/stock/p-{i}"))
                statuses.Add((int)response.StatusCode);
        Assert.Equal([200, 200, 503, 200, 200, 503, 200], statuses);

        // Setting it again starts the count again.
        await node.SetChaosAsync(DemoServices.Inventory, new { failEveryNth = 2 });
        using (var first = await node.Downstream.GetAsync("downstream/inventory/stock/p-1")) Assert.Equal(200, (int)first.StatusCode);
        Assert.Contains("every 2nd request", await ErrorOf(await node.Downstream.GetAsync("downstream/inventory/stock/p-1"), 503));
    }

    [Fact]
    public async Task Delete_clears_the_chaos_and_the_page_is_served_again()
    {
        await node.SetChaosAsync(DemoServices.Recommendations, new { outage = true, latencyMs = 10 });
        using (var degraded = await node.GetJsonAsync("/shop/home/u2"))
            Assert.Equal("degraded", degraded.RootElement.GetProperty("recommendations").GetProperty("status").GetString());

        using var response = await node.OperatorDeleteAsync($"/api/demo/services/{DemoServices.Recommendations}");
        using var cleared = await NodeFixture.Read(response, 200);
        Assert.False(cleared.RootElement.GetProperty("outage").GetBoolean());
        Assert.Equal(0, cleared.RootElement.GetProperty("latencyMs").GetInt32());

        using var home = await node.GetJsonAsync("/shop/home/u2");
        Assert.Equal("served", home.RootElement.GetProperty("recommendations").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Unknown_dependency_is_404_naming_it()
    {
        Assert.Contains("'nope'", await ErrorOf(await PostRaw("nope", """{"outage": true}"""), 404));
        Assert.Contains("'nope'", await ErrorOf(await node.OperatorDeleteAsync("/api/demo/services/nope"), 404));
        Assert.Contains("'nope'", await ErrorOf(await node.Http.GetAsync("/api/demo/services/nope"), 404));
    }

    [Theory]
    [InlineData("""{"errorRate": 2}""", "errorRate")]
    [InlineData("""{"errorRate": -0.1}""", "errorRate")]
    [InlineData("""{"latencyMs": -1}""", "latencyMs")]
    [InlineData("""{"latencyMs": 600000}""", "latencyMs")]
    [InlineData("""{"errorRate": "high"}""", "errorRate")]
    [InlineData("""{"latencyMs": 1.5}""", "latencyMs")]
    [InlineData("""{"outage": "yes"}""", "outage")]
    [InlineData("""{"failEveryNth": -1}""", "failEveryNth")]
    [InlineData("""{"failEveryNth": 1001}""", "failEveryNth")]
    [InlineData("""{"failEveryNth": 2.5}""", "failEveryNth")]
    [InlineData("""{"failEveryNth": "2"}""", "failEveryNth")]
    [InlineData("""{"outages": true}""", "outages")]
    [InlineData("""{"errorRate": 0.5""", "JSON")]
    [InlineData("""not json""", "JSON")]
    [InlineData("""[1, 2]""", "JSON")]
    [InlineData("""null""", "JSON object")]
    public async Task Invalid_body_is_400_with_the_reason_and_changes_nothing(string json, string named)
    {
        var error = await ErrorOf(await PostRaw(DemoServices.Payments, json), 400);

        Assert.Contains(named, error);
        using var state = await node.GetJsonAsync($"/api/demo/services/{DemoServices.Payments}");
        Assert.False(state.RootElement.GetProperty("active").GetBoolean());
    }
}
