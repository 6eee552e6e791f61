using System.Net;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Orchestrator.Actors.Health;
using Orchestrator.Actors.Hosting;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Hosting;

/// <summary>What an embedder adds beside the orchestrator: the degradation health check, and the deadline over HTTP.</summary>
public sealed class EmbedderApiTests
{
    /// <summary>Answers 200 and keeps the request it was sent.</summary>
    private sealed class Recorder : HttpMessageHandler
    {
        public HttpRequestMessage? Seen { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen = request;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }

    private static async Task<HttpRequestMessage> SendWithin(DateTimeOffset? deadline, Action<HttpRequestMessage>? prepare = null)
    {
        var recorder = new Recorder();
        using var client = new HttpClient(new DeadlineHandler { InnerHandler = recorder });
        var request = new HttpRequestMessage(HttpMethod.Get, "http://quotes.test/q");
        prepare?.Invoke(request);
        await Task.Run(async () =>
        {
            GuardedCallContext.Enter(deadline); // as the orchestrator does while a guarded call's work runs
            using var _ = await client.SendAsync(request);
        });
        return recorder.Seen!;
    }

    [Fact]
    public async Task The_deadline_handler_sends_the_guarded_calls_deadline_and_nothing_without_one()
    {
        var deadline = new DateTimeOffset(2026, 12, 7, 9, 30, 0, 123, TimeSpan.Zero);
        var sent = await SendWithin(deadline);
        Assert.Equal([DeadlineHeaders.Format(deadline)], sent.Headers.GetValues(DeadlineHeaders.Name));
        Assert.True(DeadlineHeaders.TryParse(sent.Headers.GetValues(DeadlineHeaders.Name).Single(), out var read, out _));
        Assert.Equal(deadline, read);

        Assert.False((await SendWithin(null)).Headers.Contains(DeadlineHeaders.Name));
    }

    [Fact]
    public async Task A_request_that_carries_a_deadline_of_its_own_keeps_it()
    {
        var sent = await SendWithin(DateTimeOffset.UtcNow.AddMinutes(1), r => r.Headers.Add(DeadlineHeaders.Name, "2026-12-07T09:00:00Z"));
        Assert.Equal(["2026-12-07T09:00:00Z"], sent.Headers.GetValues(DeadlineHeaders.Name));
    }

    [Fact]
    public async Task The_degradation_check_is_added_with_its_tag_and_reads_the_running_orchestrator()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("embedder-test", (akka, _) => akka.WithOrchestrator(o => o.AddDependency("payments")));
        builder.Services.AddHealthChecks().AddOrchestratorDegradation().AddOrchestratorDegradation();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var health = host.Services.GetRequiredService<HealthCheckService>();
            var untagged = await health.CheckHealthAsync(c => !c.Tags.Contains(DegradationCheck.Name));
            Assert.Empty(untagged.Entries); // readiness and liveness probes filtered by tag do not run it

            var report = await health.CheckHealthAsync(c => c.Tags.Contains(DegradationCheck.Name));
            var entry = Assert.Single(report.Entries);
            Assert.Equal((DegradationCheck.Name, HealthStatus.Healthy), (entry.Key, entry.Value.Status));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
