using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

public sealed class DependencyCommandTests(NodeFixture node) : IClassFixture<NodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    [Fact]
    public async Task Isolate_opens_the_breaker_by_hand_and_reset_closes_it()
    {
        using (var response = await node.OperatorPostAsync($"/api/dependencies/{DemoServices.Recommendations}/isolate"))
        using (var isolated = await NodeFixture.Read(response, 200))
        {
            Assert.Equal("recommendations", isolated.RootElement.GetProperty("dependency").GetString());
            Assert.Equal("Isolated", isolated.RootElement.GetProperty("state").GetString());
        }
        Assert.Equal("Isolated", (await node.DependencyStatusAsync(DemoServices.Recommendations)).GetProperty("breaker").GetProperty("state").GetString());

        using (var home = await node.GetJsonAsync("/shop/home/u3"))
        {
            var recommendations = home.RootElement.GetProperty("recommendations");
            Assert.Equal("degraded", recommendations.GetProperty("status").GetString());
            Assert.Equal("BreakerOpen", recommendations.GetProperty("reason").GetString());
            Assert.Contains("isolated", recommendations.GetProperty("detail").GetString());
        }

        using (var response = await node.OperatorPostAsync($"/api/dependencies/{DemoServices.Recommendations}/reset"))
        using (var reset = await NodeFixture.Read(response, 200))
            Assert.Equal("Closed", reset.RootElement.GetProperty("state").GetString());
        Assert.Equal("Closed", (await node.DependencyStatusAsync(DemoServices.Recommendations)).GetProperty("breaker").GetProperty("state").GetString());

        using var served = await node.GetJsonAsync("/shop/home/u3");
        Assert.Equal("served", served.RootElement.GetProperty("recommendations").GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("isolate")]
    [InlineData("reset")]
    public async Task Unknown_dependency_is_404_naming_it(string command)
    {
        using var response = await node.OperatorPostAsync($"/api/dependencies/nope/{command}");
        using var body = await NodeFixture.Read(response, 404);

        var error = body.RootElement.GetProperty("error").GetString();
        Assert.Contains("'nope'", error);
        Assert.Contains("recommendations", error); // lists the declared ones
    }
}
