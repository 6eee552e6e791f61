using System.Text.Json;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

public sealed class HealthAndStatusTests(NodeFixture node) : IClassFixture<NodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Health_is_200_while_the_actor_system_runs()
    {
        using var health = await node.GetJsonAsync("/health");
        Assert.Equal("Healthy", health.RootElement.GetProperty("status").GetString());
        Assert.Equal("orchestrator", health.RootElement.GetProperty("actorSystem").GetString());
    }

    [Fact]
    public async Task Status_lists_the_seven_dependencies_with_closed_breakers_and_their_bulkheads()
    {
        using var status = await node.GetJsonAsync("/api/status");
        var dependencies = status.RootElement.GetProperty("dependencies").EnumerateArray().ToList();

        Assert.Equal(DemoServices.All, dependencies.Select(d => d.GetProperty("name").GetString()));
        Assert.All(dependencies, d =>
        {
            Assert.Equal("Closed", d.GetProperty("breaker").GetProperty("state").GetString());
            Assert.Equal(JsonValueKind.Null, d.GetProperty("breaker").GetProperty("openUntil").ValueKind);
            Assert.Equal(0, d.GetProperty("bulkhead").GetProperty("inFlight").GetInt32());
            Assert.True(d.GetProperty("calls").TryGetProperty("succeeded", out _));
        });
        var payments = dependencies.Single(d => d.GetProperty("name").GetString() == DemoServices.Payments);
        Assert.Equal(5, payments.GetProperty("bulkhead").GetProperty("maxConcurrency").GetInt32());
        Assert.Equal(10, payments.GetProperty("bulkhead").GetProperty("queueCapacity").GetInt32());
        Assert.Equal("00:00:02", payments.GetProperty("defaultTimeout").GetString());
    }

    [Fact]
    public async Task Status_names_the_cause_of_the_stress_score()
    {
        // The coordinator samples every second: its first sample names a cause (at worst "no stress").
        var cause = await Poll.UntilAsync(async () =>
        {
            using var status = await node.GetJsonAsync("/api/status");
            var degradation = status.RootElement.GetProperty("degradation");
            return degradation.TryGetProperty("cause", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        }, c => c is not null, "the stress cause is published");
        Assert.Matches("^(no stress|bulkhead saturation|error rate|latency|thread-pool queue|CPU) ?", cause!);
    }

    [Fact]
    public async Task Status_shows_retries_caches_and_replicas_where_they_are_configured()
    {
        using var status = await node.GetJsonAsync("/api/status");
        var byName = status.RootElement.GetProperty("dependencies").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);

        var profile = byName[DemoServices.Profile];
        Assert.Equal("profile-replica", profile.GetProperty("replica").GetString());
        var retry = profile.GetProperty("retry");
        foreach (var field in new[] { "retries", "denied", "windowAttempts", "windowRetries" })
            Assert.Equal(JsonValueKind.Number, retry.GetProperty(field).ValueKind);
        Assert.Equal(JsonValueKind.Null, profile.GetProperty("cache").ValueKind);
        Assert.Equal(JsonValueKind.Null, profile.GetProperty("unavailable").ValueKind);

        var cache = byName[DemoServices.Recommendations].GetProperty("cache");
        foreach (var field in new[] { "entries", "hits", "staleServed", "misses", "evictions" })
            Assert.Equal(JsonValueKind.Number, cache.GetProperty(field).ValueKind);
        Assert.Equal(JsonValueKind.Null, byName[DemoServices.Recommendations].GetProperty("retry").ValueKind);

        var replica = byName[DemoServices.ProfileReplica];
        Assert.Equal(JsonValueKind.Null, replica.GetProperty("replica").ValueKind);
        Assert.Equal("00:00:01", replica.GetProperty("defaultTimeout").GetString());
    }

    [Fact]
    public async Task Status_shows_the_node_as_an_up_member_at_its_bound_remoting_address()
    {
        using var status = await node.GetJsonAsync("/api/status");
        var info = status.RootElement.GetProperty("node");

        Assert.Equal("orchestrator", info.GetProperty("name").GetString());
        var address = info.GetProperty("address").GetString()!;
        Assert.StartsWith("akka.tcp://orchestrator@127.0.0.1:", address);
        Assert.NotEqual("0", address.Split(':').Last()); // port 0 was asked for; the bound port is shown
        Assert.Equal("Up", info.GetProperty("memberStatus").GetString());
        Assert.Equal(address, info.GetProperty("leader").GetString());
        Assert.Single(info.GetProperty("members").EnumerateArray());
        Assert.Contains(node.BaseAddress.ToString().TrimEnd('/'), info.GetProperty("httpAddresses").EnumerateArray().Select(a => a.GetString()));
        Assert.True(info.GetProperty("uptimeSeconds").GetDouble() > 0, "uptime counts from start-up, not from the first request");
    }

    [Fact]
    public async Task Status_counts_the_calls_of_each_dependency()
    {
        var before = (await node.DependencyStatusAsync(DemoServices.Profile)).GetProperty("calls").GetProperty("succeeded").GetInt64();

        (await node.Http.GetAsync("/shop/home/counter")).EnsureSuccessStatusCode();

        var after = (await node.DependencyStatusAsync(DemoServices.Profile)).GetProperty("calls").GetProperty("succeeded").GetInt64();
        Assert.Equal(before + 1, after);
    }
}
