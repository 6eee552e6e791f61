using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>
/// The node's metrics (<c>GET /metrics</c>), traces and degradation health. Not run beside other node tests: the
/// orchestrator's meter and activity source are process-wide, and another node's breakers would show in this one's scrape.
/// </summary>
[Collection(nameof(ObservabilityCollection))]
public sealed class ObservabilityTests(NodeFixture node) : IClassFixture<NodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    [Fact]
    public async Task Metrics_serves_the_named_instruments_with_their_labels()
    {
        using (var home = await node.Http.GetAsync($"/shop/home/{NodeFixture.NewUser()}")) home.EnsureSuccessStatusCode();

        var text = await ScrapeUntilAsync(t => Has(t, "orchestrator_breaker_state", "dependency=\"payments\"", "0")
            && Has(t, "orchestrator_calls_total", "dependency=\"profile\"", null));
        Assert.Matches(Series("orchestrator_calls_total", "dependency=\"profile\""), text);
        Assert.Matches(Series("orchestrator_calls_total", "outcome=\"Succeeded\""), text);
        Assert.Matches(Series("orchestrator_calls_total", "reason=\"None\""), text);
        Assert.Matches(Series("orchestrator_call_duration_seconds_bucket", "dependency=\"profile\""), text);
        Assert.Matches(Series("orchestrator_bulkhead_in_flight", "dependency=\"inventory\""), text);
        Assert.Matches(Series("orchestrator_bulkhead_queued", "dependency=\"inventory\""), text);
        Assert.Matches(Series("orchestrator_stress_level", null, "0"), text);
        Assert.Matches(Series("orchestrator_tier_enabled", "tier=\"Optional\"", "1"), text);
        Assert.Matches(Series("orchestrator_feature_enabled", "feature=\"recommendations\"", "1"), text);
        Assert.Matches(Series("orchestrator_writequeue_depth", "queue=", null), text);
        Assert.Matches(Series("orchestrator_writequeue_oldest_age_seconds", "queue=", null), text);
        Assert.Matches(Series("orchestrator_cluster_members", "status=\"up\"", "1"), text);

        (await node.OperatorPostAsync($"/api/dependencies/{DemoServices.Payments}/isolate")).EnsureSuccessStatusCode();
        await ScrapeUntilAsync(t => Has(t, "orchestrator_breaker_state", "dependency=\"payments\"", "3"));
        (await node.OperatorPostAsync($"/api/dependencies/{DemoServices.Payments}/reset")).EnsureSuccessStatusCode();
        await ScrapeUntilAsync(t => Has(t, "orchestrator_breaker_state", "dependency=\"payments\"", "0"));
    }

    [Fact]
    public async Task Names_from_requests_never_make_a_series()
    {
        using (var unknown = await node.OperatorPostAsync("/api/dependencies/hostile-name/isolate")) Assert.Equal(404, (int)unknown.StatusCode);
        using (var feature = await node.OperatorAsync(HttpMethod.Put, "/api/features/hostile-feature", "{\"enabled\": false}")) Assert.Equal(404, (int)feature.StatusCode);
        using (var home = await node.Http.GetAsync("/shop/home/hostile-user")) home.EnsureSuccessStatusCode();

        var text = await ScrapeUntilAsync(t => t.Contains("orchestrator_breaker_state"));
        Assert.DoesNotContain("hostile", text);
    }

    [Fact]
    public async Task A_home_page_request_has_its_guarded_calls_as_child_spans()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var source = new ActivitySource("Orchestrator.Node.Tests");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Orchestrator" or "Microsoft.AspNetCore" or "Orchestrator.Node.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        ActivityTraceId trace;
        using (var test = source.StartActivity("test request"))
        {
            Assert.NotNull(test);
            trace = test.TraceId;
            using var home = await node.Http.GetAsync($"/shop/home/{NodeFixture.NewUser()}");
            home.EnsureSuccessStatusCode();
        }

        var (request, calls) = await Poll.UntilAsync(() =>
        {
            var mine = stopped.Where(a => a.TraceId == trace).ToList();
            // The first server span is the page's; the simulated services' (called over HTTP by the guarded calls) come later.
            var server = mine.Where(a => a.Kind == ActivityKind.Server && a.Source.Name == "Microsoft.AspNetCore").MinBy(a => a.StartTimeUtc);
            var children = server is null ? [] : mine.Where(a => a.OperationName == "orchestrator.call" && a.ParentSpanId == server.SpanId).ToList();
            return Task.FromResult((server, children));
        }, r => r.server is not null && r.children.Select(c => c.GetTagItem("orchestrator.dependency")).Contains(DemoServices.Profile), "the request's spans end");

        Assert.NotNull(request);
        var profile = calls.First(c => (string?)c.GetTagItem("orchestrator.dependency") == DemoServices.Profile);
        Assert.Equal("Critical", profile.GetTagItem("orchestrator.tier"));
        Assert.Equal("Succeeded", profile.GetTagItem("orchestrator.outcome"));
        Assert.Equal("None", profile.GetTagItem("orchestrator.reason"));
        // Its attempt is its child.
        Assert.Contains(stopped, a => a.OperationName == "orchestrator.attempt" && a.ParentSpanId == profile.SpanId && a.TraceId == trace);
        Assert.True(calls.Count >= 3, $"the home page makes several guarded calls; saw {string.Join(", ", calls.Select(c => c.DisplayName))}");
    }

    [Fact]
    public async Task A_fallback_shows_on_the_calls_span_with_its_source()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Orchestrator" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await node.SetChaosAsync(DemoServices.Profile, new { outage = true });

        var user = NodeFixture.NewUser();
        // A generous deadline: the replica path may run for the first time here (a cold node on a busy machine).
        using (var home = await node.Http.GetAsync($"/shop/home/{user}?deadlineMs=5000"))
            Assert.True(home.IsSuccessStatusCode, await home.Content.ReadAsStringAsync());

        var call = await Poll.UntilAsync(() => Task.FromResult(stopped.FirstOrDefault(a => a.OperationName == "orchestrator.call"
            && (string?)a.GetTagItem("orchestrator.dependency") == DemoServices.Profile && (string?)a.GetTagItem("orchestrator.outcome") == "Fallback")),
            a => a is not null, "the profile call's span ends");
        Assert.Equal("Error", call!.GetTagItem("orchestrator.reason"));
        Assert.Equal("Replica", call.GetTagItem("orchestrator.fallback.source"));
        // Each attempt (the first, then the retries) is a child of the call, numbered.
        var attempts = stopped.Where(a => a.OperationName == "orchestrator.attempt" && a.ParentSpanId == call.SpanId).ToList();
        Assert.Contains(attempts, a => (int?)a.GetTagItem("orchestrator.attempt") == 1);
        var walk = stopped.Single(a => a.OperationName == "orchestrator.fallback" && a.ParentSpanId == call.SpanId);
        // The replica's own guarded call is a child of the walk.
        Assert.Contains(stopped, a => a.OperationName == "orchestrator.call" && a.ParentSpanId == walk.SpanId
            && (string?)a.GetTagItem("orchestrator.dependency") == DemoServices.ProfileReplica);
    }

    [Fact]
    public async Task Degradation_health_moves_through_healthy_degraded_and_unhealthy_without_failing_readiness()
    {
        await DegradationUntilAsync("Healthy", 200);

        // An OPTIONAL feature switched off, and a breaker of a dependency that is not CRITICAL isolated: Degraded.
        (await node.OperatorAsync(HttpMethod.Put, "/api/features/recommendations", "{\"enabled\": false}")).EnsureSuccessStatusCode();
        (await node.OperatorPostAsync($"/api/dependencies/{DemoServices.Reviews}/isolate")).EnsureSuccessStatusCode();
        using (var degraded = await DegradationUntilAsync("Degraded", 200))
        {
            var root = degraded.RootElement;
            Assert.Contains("recommendations", root.GetProperty("disabledFeatures").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("Isolated", root.GetProperty("breakers").GetProperty(DemoServices.Reviews).GetString());
        }
        await AssertReadyAsync();

        // A CRITICAL dependency with a replica: still Degraded (its replica answers).
        (await node.OperatorPostAsync($"/api/dependencies/{DemoServices.Profile}/isolate")).EnsureSuccessStatusCode();
        (await DegradationUntilAsync("Degraded", 200)).Dispose();

        // A CRITICAL dependency without a fallback: Unhealthy, and the node still serves (readiness 200).
        (await node.OperatorPostAsync($"/api/dependencies/{DemoServices.Inventory}/isolate")).EnsureSuccessStatusCode();
        using (var unhealthy = await DegradationUntilAsync("Unhealthy", 503))
        {
            var root = unhealthy.RootElement;
            Assert.Contains(DemoServices.Inventory, root.GetProperty("criticalDependencies").EnumerateArray().Select(e => e.GetString()));
            Assert.Contains(root.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("CRITICAL dependency 'inventory'"));
        }
        await AssertReadyAsync();
        using (var health = await node.GetJsonAsync("/health"))
            Assert.Equal("Unhealthy", health.RootElement.GetProperty("degradation").GetString());

        await node.ResetAsync();
        (await DegradationUntilAsync("Healthy", 200)).Dispose();
    }

    private async Task AssertReadyAsync()
    {
        using var ready = await node.Http.GetAsync("/health/ready");
        Assert.Equal(200, (int)ready.StatusCode);
    }

    private async Task<JsonDocument> DegradationUntilAsync(string status, int code)
    {
        var (seen, text) = await Poll.UntilAsync(async () =>
        {
            using var response = await node.Http.GetAsync("/health/degradation");
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }, r => r.Item1 == code && JsonDocument.Parse(r.Item2).RootElement.GetProperty("status").GetString() == status, $"the degradation health is {status}");
        Assert.Equal(code, seen);
        return JsonDocument.Parse(text);
    }

    private async Task<string> ScrapeUntilAsync(Func<string, bool> done) =>
        await Poll.UntilAsync(async () =>
        {
            using var response = await node.Http.GetAsync("/metrics");
            Assert.Equal(200, (int)response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }, done, "the scrape shows the expected series");

    private static bool Has(string text, string name, string? label, string? value) => Regex.IsMatch(text, Series(name, label, value));

    /// <summary>A line of <paramref name="name"/> with <paramref name="label"/> among its labels (others may come before or after), and <paramref name="value"/>.</summary>
    private static string Series(string name, string? label, string? value = null) =>
        $"(?m)^{Regex.Escape(name)}\\{{[^}}\\n]*{(label is null ? "" : Regex.Escape(label) + "[^}\\n]*")}\\}} {(value is null ? "\\S+" : Regex.Escape(value))}( \\d+)?$";
}

[CollectionDefinition(nameof(ObservabilityCollection), DisableParallelization = true)]
public sealed class ObservabilityCollection;
