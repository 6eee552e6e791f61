using System.Net;
using System.Text;
using System.Text.Json;
using Orchestrator.Experiments;
using Orchestrator.Node.Experiments;

namespace Orchestrator.Node.Tests;

/// <summary>
/// Three node processes, started from the built host on 127.0.0.1 with their own ports, form a cluster. Each node
/// has its own simulated downstream services, so chaos on one node is an outage only that node sees.
/// </summary>
public sealed class ClusterProcessTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly List<(NodeProcess Process, HttpClient Http, string Address)> _nodes = [];
    private readonly string _directory = Directory.CreateTempSubdirectory("orchestrator-cluster-").FullName;

    [Fact]
    public async Task An_outage_seen_by_one_node_opens_the_breaker_on_all_three_and_two_survivors_of_a_kill_9_converge()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return; // signals are POSIX

        var ports = LocalCluster.FreePorts(3);
        var seed = $"akka.tcp://orchestrator@127.0.0.1:{ports[0]}";
        for (var i = 0; i < 3; i++)
        {
            var process = NodeProcess.Start(["--urls", "http://127.0.0.1:0"], new Dictionary<string, string>
            {
                ["Cluster__Hostname"] = "127.0.0.1",
                ["Cluster__Port"] = ports[i].ToString(),
                ["Cluster__SeedNodes__0"] = seed,
                ["Cluster__StableAfter"] = "00:00:03",
                ["Orchestrator__WriteQueue__DatabasePath"] = Path.Combine(_directory, $"node{i}.db"), // each node its own journal
                // Short open periods, so that recovery happens within the test.
                ["Orchestrator__Dependencies__recommendations__Breaker__ResetTimeout"] = "00:00:01",
                ["Orchestrator__Dependencies__recommendations__Breaker__MaxResetTimeout"] = "00:00:02",
            });
            _nodes.Add((process, null!, $"akka.tcp://orchestrator@127.0.0.1:{ports[i]}"));
        }
        for (var i = 0; i < 3; i++)
        {
            var address = await _nodes[i].Process.ListeningAsync(Limit);
            _nodes[i] = _nodes[i] with { Http = new HttpClient { BaseAddress = address, Timeout = Limit } };
        }
        foreach (var node in _nodes) await UpMembers(node.Http, 3);
        // Every node serves one homepage before the test: what is asserted after the kill is that the survivors keep
        // serving, not how a fresh process does on its first request (its cold path, JIT and first connections, can
        // miss the homepage's 800 ms deadline on a loaded 2-core machine: 503 "profile ... DeadlineExceeded").
        foreach (var node in _nodes)
            await Poll.UntilAsync(async () => (await node.Http.GetAsync("/shop/home/warm-up")).StatusCode, s => s == HttpStatusCode.OK,
                "the node serves its first homepage", Limit);

        // recommendations is AnyOpen in appsettings.json: an outage only node 0 sees opens it on every node.
        var (a, b, c) = (_nodes[0], _nodes[1], _nodes[2]);
        await Post(a.Http, "/api/demo/services/recommendations", """{"outage": true}""");
        await Poll.UntilAsync(async () => { await a.Http.GetAsync("/shop/home/u1"); return await Breaker(a.Http, "recommendations"); },
            s => s.State == "Open", "node 0 opens its breaker", Limit);
        foreach (var other in new[] { b, c })
        {
            var breaker = await Poll.UntilAsync(() => Breaker(other.Http, "recommendations"), s => s.State == "Open",
                "the breaker opens on the other nodes", Limit);
            Assert.True(breaker.FollowsCluster);
            var view = await ClusterView(other.Http, "recommendations");
            Assert.Equal(a.Address, view.GetProperty("prober").GetString());
            // Node 0 holds the evidence: open on its own account, or half-open once its open period (1 s) ended. A
            // half-open breaker probes but opens no other node, so node 0 is then absent from openedOn for a while:
            // openedOn names node 0 or nobody, never a node that follows.
            var entryOfA = view.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("node").GetString() == a.Address);
            Assert.Contains(entryOfA.GetProperty("state").GetString(), new[] { "Open", "HalfOpen" });
            Assert.False(entryOfA.GetProperty("followsCluster").GetBoolean());
            Assert.All(view.GetProperty("openedOn").EnumerateArray(), e => Assert.Equal(a.Address, e.GetString()));
            Assert.Contains(view.GetProperty("nodes").EnumerateArray(),
                n => n.GetProperty("node").GetString() == other.Address && n.GetProperty("followsCluster").GetBoolean());
        }

        // kill -9 node 0: the other two keep serving, take node 0's entry out of the count once it is unreachable,
        // choose one of them to probe, find their own recommendations service healthy, and close.
        a.Process.KillHard();
        foreach (var other in new[] { b, c })
        {
            using var home = await other.Http.GetAsync("/shop/home/u2");
            Assert.True(home.StatusCode == HttpStatusCode.OK, $"{other.Address} answered {(int)home.StatusCode}: {await home.Content.ReadAsStringAsync()}");
        }
        foreach (var other in new[] { b, c }) await UpMembers(other.Http, 2);
        foreach (var other in new[] { b, c })
        {
            await Poll.UntilAsync(async () =>
            {
                await b.Http.GetAsync("/shop/home/u3"); // traffic on both nodes drives the prober's probes
                await c.Http.GetAsync("/shop/home/u3");
                return await Breaker(other.Http, "recommendations");
            }, s => s.State == "Closed", "the survivors' breakers close", Limit);
        }
        var views = new[] { await ClusterView(b.Http, "recommendations"), await ClusterView(c.Http, "recommendations") };
        foreach (var view in views)
        {
            Assert.Empty(view.GetProperty("openedOn").EnumerateArray());
            Assert.DoesNotContain(view.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("node").GetString() == a.Address);
        }

        // SIGTERM leaves the cluster gracefully: the last node sees it removed, not unreachable, and it exits with 0.
        c.Process.Terminate();
        Assert.Equal(0, await c.Process.ExitCodeAsync(Limit));
        Assert.Contains("Exiting completed", c.Process.Output);
        await UpMembers(b.Http, 1);
    }

    internal static async Task UpMembers(HttpClient http, int count) =>
        await Poll.UntilAsync(async () =>
        {
            using var status = JsonDocument.Parse(await http.GetStringAsync("/api/status"));
            var members = status.RootElement.GetProperty("cluster").GetProperty("members").EnumerateArray().ToList();
            return (Up: members.Count(m => m.GetProperty("status").GetString() == "Up" && m.GetProperty("reachable").GetBoolean()), All: members.Count);
        }, m => m.Up == count && m.All == count, $"{count} reachable members Up and no others", Limit);

    internal sealed record BreakerView(string State, bool FollowsCluster);

    internal static async Task<BreakerView> Breaker(HttpClient http, string dependency)
    {
        using var status = JsonDocument.Parse(await http.GetStringAsync("/api/status"));
        var breaker = status.RootElement.GetProperty("dependencies").EnumerateArray()
            .Single(d => d.GetProperty("name").GetString() == dependency).GetProperty("breaker");
        return new BreakerView(breaker.GetProperty("state").GetString()!, breaker.GetProperty("followsCluster").GetBoolean());
    }

    private static async Task<JsonElement> ClusterView(HttpClient http, string dependency)
    {
        using var status = JsonDocument.Parse(await http.GetStringAsync("/api/status"));
        return status.RootElement.GetProperty("cluster").GetProperty("dependencies").EnumerateArray()
            .Single(d => d.GetProperty("dependency").GetString() == dependency).Clone();
    }

    internal static async Task Post(HttpClient http, string path, string json)
    {
        var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Http?.Dispose();
            node.Process.Dispose();
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a file still held by a process that is going away; the temp directory is cleaned up eventually
        }
    }
}
