using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

public sealed class SheddingTests(ShedNodeFixture node) : IClassFixture<ShedNodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    [Fact]
    public async Task A_request_whose_critical_part_is_shed_gets_503_with_retry_after()
    {
        // A product page's slow calls hold the node's only place for 3 s.
        await node.SetChaosAsync(DemoServices.Inventory, new { latencyMs = 3000 });
        await node.SetChaosAsync(DemoServices.Reviews, new { latencyMs = 3000 });
        var first = node.Http.GetAsync("/shop/product/p-100");
        await Poll.UntilAsync(async () =>
        {
            using var status = await node.GetJsonAsync("/api/status");
            return status.RootElement.GetProperty("degradation").GetProperty("admission").GetProperty("inFlight").GetInt32();
        }, inFlight => inFlight >= 1, "the product page's call to be in flight");

        // While it is held, a homepage's CRITICAL profile call is shed: 503 with Retry-After.
        var (code, retryAfter, reason) = await Poll.UntilAsync(async () =>
        {
            using var response = await node.Http.GetAsync($"/shop/home/{NodeFixture.NewUser()}");
            var text = await response.Content.ReadAsStringAsync();
            var after = response.Headers.TryGetValues("Retry-After", out var values) ? values.Single() : null;
            var why = (int)response.StatusCode == 503 ? System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("reason").GetString() : null;
            return ((int)response.StatusCode, after, why);
        }, r => r.Item1 == 503, "a homepage to be shed");
        Assert.Equal("Shed", reason);
        Assert.Equal("2", retryAfter);

        (await first).Dispose();
        using var status = await node.GetJsonAsync("/api/status");
        Assert.True(status.RootElement.GetProperty("degradation").GetProperty("admission").GetProperty("shedCritical").GetInt64() >= 1);
        Assert.True(status.RootElement.GetProperty("admission").GetProperty("shedCritical").GetInt64() >= 1);
        Assert.Equal(1, status.RootElement.GetProperty("admission").GetProperty("limit").GetInt32());
    }
}
