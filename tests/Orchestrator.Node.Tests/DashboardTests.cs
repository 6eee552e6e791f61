using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Dashboard;

namespace Orchestrator.Node.Tests;

/// <summary>The dashboard's page and its Server-Sent Events on an in-process node.</summary>
public sealed class DashboardTests(NodeFixture node) : IClassFixture<NodeFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await node.ResetAsync();
        // The streams of an earlier test end once the node notices their client went (at its next write at the latest).
        var streams = node.Services.GetRequiredService<DashboardStreams>();
        await Poll.UntilAsync(() => Task.FromResult(streams.Open), n => n == 0, "the earlier tests' streams have ended");
    }
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_page_is_html_that_loads_nothing_from_elsewhere()
    {
        var response = await node.Http.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("new EventSource(\"/dashboard/events\")", html);
        Assert.Contains("sessionStorage", html);
        Assert.DoesNotContain("innerHTML", html); // server data goes into the page as text only
        Assert.DoesNotContain("<script src", html);
    }

    [Fact]
    public async Task Events_stream_this_node_with_every_dependency_at_least_once_a_second()
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync("/dashboard/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var watch = Stopwatch.StartNew();
        var first = await NextEventAsync(reader);
        var second = await NextEventAsync(reader);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"two events took {watch.ElapsedMilliseconds} ms");

        var self = first.GetProperty("self").GetString();
        var nodes = second.GetProperty("nodes").EnumerateArray().ToList();
        var me = Assert.Single(nodes, n => n.GetProperty("isSelf").GetBoolean());
        Assert.Equal(self, me.GetProperty("address").GetString());
        Assert.True(me.GetProperty("reachable").GetBoolean());
        var summary = me.GetProperty("summary");
        Assert.Equal("Normal", summary.GetProperty("stress").GetString());
        var dependencies = summary.GetProperty("dependencies").EnumerateArray().Select(d => d.GetProperty("name").GetString()).ToList();
        Assert.Contains("recommendations", dependencies);
        Assert.Contains("payments", dependencies);
        var recommendations = summary.GetProperty("dependencies").EnumerateArray().Single(d => d.GetProperty("name").GetString() == "recommendations");
        Assert.Equal("Closed", recommendations.GetProperty("breaker").GetString());
        Assert.True(recommendations.GetProperty("maxConcurrency").GetInt32() > 0);
        Assert.True(summary.TryGetProperty("writeQueue", out _));
    }

    [Fact]
    public async Task Calls_show_as_calls_per_second_and_an_isolated_breaker_shows_at_once()
    {
        for (var i = 0; i < 5; i++) await node.Http.GetAsync($"/shop/home/{NodeFixture.NewUser()}");
        (await node.OperatorPostAsync("/api/dependencies/reviews/isolate")).EnsureSuccessStatusCode();
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync("/dashboard/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        JsonElement Dependency(JsonElement view, string name) => view.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("isSelf").GetBoolean())
            .GetProperty("summary").GetProperty("dependencies").EnumerateArray().Single(d => d.GetProperty("name").GetString() == name);
        JsonElement last = default;
        for (var i = 0; i < 6; i++)
        {
            last = await NextEventAsync(reader);
            if (Dependency(last, "reviews").GetProperty("breaker").GetString() == "Isolated") break;
        }
        Assert.Equal("Isolated", Dependency(last, "reviews").GetProperty("breaker").GetString());
        Assert.True(Dependency(last, "recommendations").GetProperty("callsPerSecond").GetDouble() > 0);
    }

    [Fact]
    public async Task One_client_holds_at_most_two_streams_the_next_gets_429_json_and_a_client_that_goes_gives_its_place_back()
    {
        var open = new List<(HttpClient Http, HttpResponseMessage Response)>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
                var response = await http.GetAsync("/dashboard/events", HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                open.Add((http, response));
            }
            var refused = await node.Http.GetAsync("/dashboard/events");
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            using var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Contains("Too many dashboard streams from 127.0.0.1", error.RootElement.GetProperty("error").GetString());

            // A client that goes gives its place back.
            open[0].Response.Dispose();
            open[0].Http.Dispose();
            open.RemoveAt(0);
            await Poll.UntilAsync(async () =>
            {
                using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
                using var response = await http.GetAsync("/dashboard/events", HttpCompletionOption.ResponseHeadersRead);
                return response.StatusCode;
            }, s => s == HttpStatusCode.OK, "a place is free again");
        }
        finally
        {
            foreach (var (http, response) in open)
            {
                response.Dispose();
                http.Dispose();
            }
        }
    }

    [Fact]
    public async Task The_pages_operator_calls_with_hostile_names_get_the_apis_normal_404_json()
    {
        var hostile = Uri.EscapeDataString("<img src=x onerror=alert(1)>");
        var feature = await node.Http.PutAsync($"/api/features/{hostile}", new StringContent("""{"enabled": false}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, feature.StatusCode);
        Assert.Equal("application/json", feature.Content.Headers.ContentType?.MediaType);
        var breaker = await node.Http.PostAsync($"/api/dependencies/{hostile}/isolate", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, breaker.StatusCode);
        Assert.Equal("application/json", breaker.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_stream_ends_promptly_when_the_node_stops()
    {
        var own = new NodeFixture();
        await own.InitializeAsync();
        using var http = new HttpClient { BaseAddress = own.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync("/dashboard/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await NextEventAsync(reader);
        // The node ends the stream itself as soon as the stop begins, while it still drains (3 s by default):
        // the stream ends before the stop does, not when the server closes its connections at the end.
        var stopping = own.DisposeAsync();
        var ended = Task.Run(async () => { while (await reader.ReadLineAsync() is not null) { } });
        Assert.Same(ended, await Task.WhenAny(ended, stopping));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task<JsonElement> NextEventAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
            if (line.StartsWith("data: ", StringComparison.Ordinal))
                return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
        throw new EndOfStreamException("the stream ended");
    }
}
