using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Orchestrator.Node.Tests;

/// <summary>A node with small per-client limits (Edge), and an operator token.</summary>
public sealed class EdgeNodeFixture : NodeFixture
{
    public override string? AdminToken => TokenNodeFixture.Token;

    protected override string[] ExtraArgs =>
    [
        $"--Admin:Token={TokenNodeFixture.Token}",
        "--Edge:RateLimit:Enabled=true",
        "--Edge:RateLimit:PermitsPerSecond=1",
        "--Edge:RateLimit:Burst=3",
        "--Edge:DashboardStreams:Total=3",
        "--Edge:DashboardStreams:PerClient=2",
        "--Edge:DashboardStreams:Lifetime=00:00:02",
    ];
}

/// <summary>
/// One client cannot take the capacity others need: a per-client share of the shop (429 with Retry-After and a JSON
/// error, at once) and of the dashboard's streams, on a node with small limits. Every request here comes from
/// 127.0.0.1, one client; the operator (with the token) is another.
/// </summary>
public sealed class EdgeLimitsTests(EdgeNodeFixture node) : IClassFixture<EdgeNodeFixture>
{
    private HttpRequestMessage AsOperator(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TokenNodeFixture.Token);
        return request;
    }

    [Fact]
    public async Task A_client_over_its_share_is_answered_429_at_once_and_the_operator_and_other_paths_are_not_held_back()
    {
        var watch = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => node.Http.GetAsync("/shop/product/p-100")));
        var seconds = watch.Elapsed.TotalSeconds;
        try
        {
            // A bucket of 3, one more a second: however slow the machine, most of the 12 are refused.
            var served = answers.Count(a => a.StatusCode == HttpStatusCode.OK);
            Assert.True(served <= 3 + (int)Math.Ceiling(seconds) + 1, $"{served} served in {seconds:0.0} s");
            Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
            var refused = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
            Assert.Equal("application/json", refused.Content.Headers.ContentType?.MediaType);
            Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) >= 1);
            using var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("Too many requests from 127.0.0.1: at most 1 requests a second (bursts of 3) may reach /shop from one client. Try again in 1 s.",
                error.RootElement.GetProperty("error").GetString());
        }
        finally
        {
            foreach (var answer in answers) answer.Dispose();
        }

        // The limit is the shop's: the status API still answers this client, and the operator is not limited.
        using var status = await node.Http.GetAsync("/api/status");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        for (var i = 0; i < 6; i++)
        {
            using var operatorPage = await node.Http.SendAsync(AsOperator(HttpMethod.Get, "/shop/product/p-100"));
            Assert.Equal(HttpStatusCode.OK, operatorPage.StatusCode);
        }
    }

    [Fact]
    public async Task Dashboard_streams_are_limited_per_client_and_in_all_and_end_after_their_lifetime()
    {
        var open = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var stream = await node.Http.GetAsync("/dashboard/events", HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
                open.Add(stream);
            }
            using (var third = await node.Http.GetAsync("/dashboard/events", HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
                using var error = JsonDocument.Parse(await third.Content.ReadAsStringAsync());
                Assert.Equal("Too many dashboard streams from 127.0.0.1: one client may hold at most 2 open; close one first.",
                    error.RootElement.GetProperty("error").GetString());
            }
            // The operator is held to the node's total only (3): one more fits, the next does not.
            var operatorStream = await node.Http.SendAsync(AsOperator(HttpMethod.Get, "/dashboard/events"), HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, operatorStream.StatusCode);
            open.Add(operatorStream);
            using (var full = await node.Http.SendAsync(AsOperator(HttpMethod.Get, "/dashboard/events"), HttpCompletionOption.ResponseHeadersRead))
                Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);

            // Each stream ends by itself after its lifetime (2 s here), and gives its place back.
            var watch = Stopwatch.StartNew();
            foreach (var stream in open)
            {
                using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
                var read = reader.ReadToEndAsync();
                Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(30))));
            }
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30));
            await Poll.UntilAsync(async () =>
            {
                using var again = await node.Http.GetAsync("/dashboard/events", HttpCompletionOption.ResponseHeadersRead);
                return again.StatusCode;
            }, s => s == HttpStatusCode.OK, "the places are free again");
        }
        finally
        {
            foreach (var stream in open) stream.Dispose();
        }
    }
}
