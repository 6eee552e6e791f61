using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Contracts;
using Orchestrator.Node.Configuration;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>Deadlines over HTTP: the node sends the ambient deadline as X-Deadline; the simulated services honour it.</summary>
public sealed class DeadlineTests(NodeFixture node) : IClassFixture<NodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    private Task<HttpResponseMessage> GetWithDeadline(string path, string deadline)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation(DeadlineHeaders.Name, deadline);
        return node.Downstream.SendAsync(request);
    }

    [Fact]
    public async Task A_request_whose_deadline_has_passed_is_answered_504_at_once()
    {
        var deadline = DeadlineHeaders.Format(DateTimeOffset.UtcNow.AddSeconds(-1));

        using var response = await GetWithDeadline("downstream/profile/u1", deadline);
        using var body = await NodeFixture.Read(response, 504);

        Assert.True(response.Headers.Contains(DeadlineHeaders.Exceeded));
        Assert.Contains(deadline, body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Injected_latency_never_runs_past_the_deadline()
    {
        await node.SetChaosAsync(DemoServices.Reviews, new { latencyMs = 5_000 });

        var clock = Stopwatch.StartNew();
        using var response = await GetWithDeadline("downstream/reviews/p-1", DeadlineHeaders.Format(DateTimeOffset.UtcNow.AddMilliseconds(200)));
        clock.Stop();

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"The service took {clock.Elapsed.TotalMilliseconds:0} ms with a 200 ms deadline.");
    }

    [Fact]
    public async Task A_deadline_in_the_future_changes_nothing()
    {
        using var response = await GetWithDeadline("downstream/profile/u1", DeadlineHeaders.Format(DateTimeOffset.UtcNow.AddMinutes(1)));
        using var profile = await NodeFixture.Read(response, 200);
        Assert.Equal("u1", profile.RootElement.GetProperty("userId").GetString());
    }

    [Theory]
    [InlineData("tomorrow")]
    [InlineData("2026-11-01 09:00:00Z")]
    [InlineData("2026-11-01T09:00:00")]
    [InlineData("2026-13-01T09:00:00Z")]
    public async Task A_malformed_deadline_is_400_naming_the_header(string deadline)
    {
        using var response = await GetWithDeadline("downstream/profile/u1", deadline);
        using var body = await NodeFixture.Read(response, 400);
        Assert.Contains(DeadlineHeaders.Name, body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_nodes_client_sends_the_ambient_deadline_and_the_service_gives_up_at_it()
    {
        await node.SetChaosAsync(DemoServices.Profile, new { latencyMs = 5_000 });
        var client = node.Services.GetRequiredService<DownstreamClient>();
        var deadline = DateTimeOffset.UtcNow.AddMilliseconds(300);

        var clock = Stopwatch.StartNew();
        GuardedCallContext.Enter(deadline); // as the dependency actor does before it runs a guarded call's work
        try
        {
            var e = await Assert.ThrowsAsync<DownstreamDeadlineException>(() => client.GetProfileAsync("u1", CancellationToken.None));
            clock.Stop();

            Assert.Equal(HttpStatusCode.GatewayTimeout, e.StatusCode);
            Assert.Contains(DeadlineHeaders.Format(deadline), e.Message); // the service read the very deadline that was sent
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"The call took {clock.Elapsed.TotalMilliseconds:0} ms with a 300 ms deadline.");
        }
        finally
        {
            GuardedCallContext.Enter(null);
        }
    }

    [Fact]
    public async Task The_header_is_ISO_8601_UTC_and_absent_without_an_ambient_deadline()
    {
        var seen = new List<string?>();
        using var http = new HttpClient(new Recorder(seen));
        var client = new DownstreamClient(http,
            new DownstreamBaseAddress(null!, new DownstreamSettings { BaseUrl = "http://downstream.test/" }), TimeProvider.System);

        await client.GetNotificationsAsync("u1", CancellationToken.None);
        var deadline = new DateTimeOffset(2026, 11, 1, 10, 0, 0, 123, TimeSpan.FromHours(1));
        GuardedCallContext.Enter(deadline);
        try
        {
            await client.GetNotificationsAsync("u1", CancellationToken.None);
        }
        finally
        {
            GuardedCallContext.Enter(null);
        }

        Assert.Equal([null, "2026-11-01T09:00:00.1230000Z"], seen);
    }

    private sealed class Recorder(List<string?> seen) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add(request.Headers.TryGetValues(DeadlineHeaders.Name, out var values) ? values.Single() : null);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"userId":"u1","items":[]}""", System.Text.Encoding.UTF8, "application/json"),
            });
        }
    }
}
