using System.Net;
using System.Text.Json;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>
/// /api/faults: a fault injected into any declared dependency through its actor, not into a simulated service: the
/// service itself stays up, and the orchestrator degrades as it would for the real failure.
/// </summary>
public sealed class FaultApiTests(NodeFixture node) : IClassFixture<NodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    private async Task<JsonDocument> Inject(string dependency, string body, int expected = 200)
    {
        using var response = await node.OperatorAsync(HttpMethod.Post, $"/api/faults/{dependency}", body);
        return await NodeFixture.Read(response, expected);
    }

    [Fact]
    public async Task An_injected_error_degrades_the_homepage_to_popular_items_shows_in_status_and_is_cleared()
    {
        using (var injected = await Inject(DemoServices.Recommendations, """{"kind": "error", "durationSeconds": 60}"""))
        {
            Assert.True(injected.RootElement.GetProperty("accepted").GetBoolean());
            Assert.Equal("Error", injected.RootElement.GetProperty("fault").GetProperty("fault").GetProperty("kind").GetString());
        }

        using (var home = await node.GetJsonAsync($"/shop/home/{NodeFixture.NewUser()}"))
        {
            var recommendations = home.RootElement.GetProperty("recommendations");
            Assert.Equal("degraded", recommendations.GetProperty("status").GetString());
            Assert.Equal("popular", recommendations.GetProperty("data").GetProperty("kind").GetString());
            Assert.Contains("fault injected", recommendations.GetProperty("detail").GetString());
        }
        var status = await node.DependencyStatusAsync(DemoServices.Recommendations);
        Assert.True(status.GetProperty("fault").GetProperty("affected").GetInt64() >= 1);
        Assert.Contains("Error on 100% of calls", status.GetProperty("fault").GetProperty("description").GetString());
        using (var list = await node.GetJsonAsync("/api/faults"))
        {
            Assert.True(list.RootElement.GetProperty("enabled").GetBoolean());
            var faults = list.RootElement.GetProperty("dependencies").EnumerateArray().ToList();
            Assert.Equal(JsonValueKind.Object, faults.Single(f => f.GetProperty("dependency").GetString() == DemoServices.Recommendations).GetProperty("fault").ValueKind);
            Assert.All(faults.Where(f => f.GetProperty("dependency").GetString() != DemoServices.Recommendations),
                f => Assert.Equal(JsonValueKind.Null, f.GetProperty("fault").ValueKind));
        }

        using (var cleared = await node.OperatorDeleteAsync($"/api/faults/{DemoServices.Recommendations}"))
            (await NodeFixture.Read(cleared, 200)).Dispose();
        Assert.Equal(JsonValueKind.Null, (await node.DependencyStatusAsync(DemoServices.Recommendations)).GetProperty("fault").ValueKind);
    }

    [Theory]
    [InlineData("""{"kind": "explode"}""", "kind must be one of error, latency, hang, result, not 'explode'")]
    [InlineData("""{"rate": 0.5}""", "kind is required")]
    [InlineData("""{"kind": "error", "rate": 2}""", "rate must be in (0, 1], not 2")]
    [InlineData("""{"kind": "error", "latencyMs": 300}""", "latencyMs and jitterMs are for a Latency fault, not Error")]
    [InlineData("""{"kind": "latency"}""", "A latency fault needs latencyMs or jitterMs")]
    [InlineData("""{"kind": "error", "scope": "galaxy"}""", "scope must be one of node, cluster, not 'galaxy'")]
    [InlineData("""{"kind": "error", "durationSeconds": -1}""", "durationSeconds must be above 0")]
    [InlineData("""{"kind": "error", "durationSeconds": 7200}""", "Duration must be above 0 and at most 01:00:00")]
    [InlineData("""{"kind": "error", "colour": "red"}""", "unknown field 'colour'")]
    [InlineData("""{"kind": 3}""", "kind must be a string")]
    [InlineData("""[1, 2]""", "The body must be a JSON object")]
    [InlineData("""{"kind": "error",""", "not valid JSON")]
    public async Task A_bad_fault_is_400_naming_the_problem_and_injects_nothing(string body, string expected)
    {
        using var error = await Inject(DemoServices.Payments, body, 400);
        Assert.Contains(expected, error.RootElement.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, (await node.DependencyStatusAsync(DemoServices.Payments)).GetProperty("fault").ValueKind);
    }

    [Fact]
    public async Task An_unknown_dependency_is_404_naming_the_declared_ones()
    {
        using var error = await Inject("paymnets", """{"kind": "error"}""", 404);
        var message = error.RootElement.GetProperty("error").GetString();
        Assert.Contains("'paymnets'", message);
        Assert.Contains(DemoServices.Payments, message);
    }

    [Fact]
    public async Task Changing_faults_needs_the_operator_and_reading_them_does_not()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/faults/{DemoServices.Payments}")
        {
            Content = new StringContent("""{"kind": "error"}""", System.Text.Encoding.UTF8, "text/plain"),
        };
        using var refused = await node.Http.SendAsync(request);
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await node.DependencyStatusAsync(DemoServices.Payments)).GetProperty("fault").ValueKind);
        (await node.GetJsonAsync("/api/faults")).Dispose();
    }
}

/// <summary>A node started with <c>Orchestrator:Chaos:Enabled=false</c>, as a production node would be.</summary>
public sealed class ChaosOffNodeFixture : NodeFixture
{
    protected override string[] ExtraArgs => ["--Orchestrator:Chaos:Enabled=false"];
}

public sealed class FaultApiOffTests(ChaosOffNodeFixture node) : IClassFixture<ChaosOffNodeFixture>
{
    [Fact]
    public async Task With_injection_switched_off_every_change_is_403_saying_so_and_the_list_says_it_is_off()
    {
        using var response = await node.OperatorAsync(HttpMethod.Post, $"/api/faults/{DemoServices.Payments}", """{"kind": "error"}""");
        using var error = await NodeFixture.Read(response, 403);
        Assert.Contains("Orchestrator:Chaos:Enabled is false", error.RootElement.GetProperty("error").GetString());
        using var cleared = await node.OperatorDeleteAsync($"/api/faults/{DemoServices.Payments}");
        Assert.Equal(HttpStatusCode.Forbidden, cleared.StatusCode);
        using var list = await node.GetJsonAsync("/api/faults");
        Assert.False(list.RootElement.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task With_injection_switched_off_the_node_cannot_be_killed()
    {
        using var response = await node.OperatorAsync(HttpMethod.Post, "/api/node/kill");
        using var error = await NodeFixture.Read(response, 403);
        Assert.Contains("Orchestrator:Chaos:Enabled is false", error.RootElement.GetProperty("error").GetString());
        (await node.GetJsonAsync("/api/status")).Dispose(); // still here
    }
}

/// <summary><c>POST /api/node/kill</c> on a node process of its own: 202, then the process ends as kill -9 ends it.</summary>
public sealed class NodeKillTests
{
    [Fact]
    public async Task A_kill_is_answered_202_then_the_process_ends_at_once_without_a_shutdown()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return; // SIGKILL is POSIX
        var data = Directory.CreateTempSubdirectory("orchestrator-kill-");
        try
        {
            using var process = NodeProcess.Start(["--urls", "http://127.0.0.1:0", "--Cluster:Port=0", $"--Orchestrator:WriteQueue:DatabasePath={Path.Combine(data.FullName, "node.db")}"],
                new Dictionary<string, string>());
            var address = await process.ReadyAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = address };
            using var response = await http.PostAsync("/api/node/kill", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
            using var answer = await NodeFixture.Read(response, 202);
            Assert.False(string.IsNullOrEmpty(answer.RootElement.GetProperty("node").GetString()));
            Assert.Equal(137, await process.ExitCodeAsync(TimeSpan.FromSeconds(15))); // 128 + SIGKILL
            Assert.Contains("is killed by a chaos request", process.Output);
            Assert.DoesNotContain("Exiting completed", process.Output); // it never left the cluster
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
