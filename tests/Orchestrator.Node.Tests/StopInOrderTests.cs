using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Downstream;
using Orchestrator.Node.Lifecycle;

namespace Orchestrator.Node.Tests;

/// <summary>A node whose reviews may take 3 s, so that a slow product page is in flight when the stop begins; it drains for 1 s.</summary>
public sealed class SlowReviewsNodeFixture : NodeFixture
{
    protected override string[] ExtraArgs =>
        ["--Orchestrator:Dependencies:reviews:Timeout=00:00:03", "--Shutdown:DrainPeriod=00:00:01", "--Shutdown:DrainTimeout=00:00:10"];
}

/// <summary>
/// The stop in order, in-process: readiness turns 503 at once; for the drain period requests are still served, each
/// answer closing its connection; then new requests are refused (the stopping 503 and <c>Connection: close</c>, or
/// the closed listener), and the request in flight is answered normally before the stop ends.
/// </summary>
public sealed class StopInOrderTests : IAsyncLifetime
{
    private readonly SlowReviewsNodeFixture _node = new();

    public Task InitializeAsync() => _node.InitializeAsync();

    public Task DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public async Task Readiness_turns_503_the_node_drains_then_refuses_and_the_request_in_flight_is_answered()
    {
        using (var ready = await _node.Http.GetAsync("/health/ready"))
        using (var body = await NodeFixture.Read(ready, 200))
            Assert.Equal("Ready", body.RootElement.GetProperty("status").GetString());

        await _node.SetChaosAsync(DemoServices.Reviews, new { latencyMs = 2500 });
        var lifecycle = _node.Services.GetRequiredService<NodeLifecycle>();
        var slow = _node.Http.GetAsync("/shop/product/p-100");
        await Poll.UntilAsync(() => Task.FromResult(lifecycle.InFlight), n => n >= 1, "the slow page is in flight");

        var stop = _node.StopNodeAsync();

        // A separate connection: the load balancer's probe, then a client during the drain period.
        using (var probe = new HttpClient { BaseAddress = _node.BaseAddress })
        {
            using (var notReady = await probe.GetAsync("/health/ready"))
            using (var body = await NodeFixture.Read(notReady, 503))
                Assert.Equal("Draining", body.RootElement.GetProperty("status").GetString());
            using var served = await probe.GetAsync("/api/features");
            Assert.Equal(System.Net.HttpStatusCode.OK, served.StatusCode);
            Assert.True(served.Headers.ConnectionClose, "a drained answer closes its connection");
        }

        // After the drain period, a new request is refused: the stopping 503 (closing), or no listener at all.
        await Poll.UntilAsync(() => Task.FromResult(lifecycle.IsStopping), stopping => stopping, "the drain period ends");
        using (var late = new HttpClient { BaseAddress = _node.BaseAddress })
        {
            try
            {
                using var refused = await late.GetAsync("/shop/product/p-101");
                Assert.True(refused.Headers.ConnectionClose, "the refusal closes the connection");
                using var body = await NodeFixture.Read(refused, 503);
                Assert.Equal(StopGate.StoppingError, body.RootElement.GetProperty("error").GetString());
            }
            catch (HttpRequestException)
            {
                // the listener had closed already: the request never reached the node
            }
        }
        Assert.False(stop.IsCompleted, "the stop waits for the request in flight");

        using (var answered = await slow)
        using (var page = await NodeFixture.Read(answered, 200))
            Assert.Equal("served", page.RootElement.GetProperty("reviews").GetProperty("status").GetString());

        await stop.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, lifecycle.InFlight);
    }
}
