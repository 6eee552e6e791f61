using System.Text.Json;
using Orchestrator.Experiments;
using Orchestrator.Node.Experiments;
using Orchestrator.Node.Lifecycle;
using Xunit.Abstractions;

namespace Orchestrator.Node.Tests;

/// <summary>
/// Real node processes: a port already in use stops a node at start, naming it (no shared port, no identity
/// taken over), and a node the cluster downs stops serving and exits non-zero, so that a restart policy restarts it.
/// </summary>
[Collection(nameof(CrashSafetyCollection))]
public sealed class ClusterExitTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("orchestrator-exit-").FullName;
    private readonly List<NodeProcess> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes) process.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private NodeProcess Start(int port, string seed, string name, params string[] extra)
    {
        var process = NodeProcess.Start(["--urls", "http://127.0.0.1:0", .. extra], new Dictionary<string, string>
        {
            ["Cluster__Hostname"] = "127.0.0.1",
            ["Cluster__Port"] = port.ToString(),
            ["Cluster__SeedNodes__0"] = seed,
            ["Cluster__StableAfter"] = "00:00:02",
            ["Orchestrator__WriteQueue__DatabasePath"] = Path.Combine(_directory, $"{name}.db"),
        });
        _processes.Add(process);
        return process;
    }

    private static async Task<int> ReadyStatusAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/health/ready");
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    [Fact]
    public async Task A_second_node_on_a_live_nodes_remoting_or_http_port_exits_non_zero_naming_the_port_and_the_first_keeps_serving()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var port = LocalCluster.FreePorts(1)[0];
        var seed = $"akka.tcp://orchestrator@127.0.0.1:{port}";
        var first = Start(port, seed, "first");
        using var http = new HttpClient { BaseAddress = await first.ReadyAsync(Limit), Timeout = Limit };

        var sameRemoting = Start(port, seed, "second");
        Assert.Equal(1, await sameRemoting.ExitCodeAsync(Limit));
        Assert.Contains($"Cluster:Port {port} on 127.0.0.1 is already in use by another process", sameRemoting.Output);

        var sameHttp = Start(0, seed, "third", "--urls", http.BaseAddress!.ToString().TrimEnd('/'));
        Assert.Equal(1, await sameHttp.ExitCodeAsync(Limit));
        Assert.Contains($"The HTTP address {http.BaseAddress!.ToString().TrimEnd('/')}: port {http.BaseAddress.Port} on 127.0.0.1 is already in use", sameHttp.Output);

        Assert.Equal(200, await ReadyStatusAsync(http));
        using var status = JsonDocument.Parse(await http.GetStringAsync("/api/status"));
        Assert.Single(status.RootElement.GetProperty("cluster").GetProperty("members").EnumerateArray()); // nobody took its place or joined
    }

    [Fact]
    public async Task A_node_that_cannot_join_within_the_join_timeout_never_serves_and_exits_with_3()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var ports = LocalCluster.FreePorts(2);
        // The seed is an address where nothing listens: every InitJoin goes unanswered, as when the answers get lost.
        var node = Start(ports[0], $"akka.tcp://orchestrator@127.0.0.1:{ports[1]}", "lonely", "--Cluster:JoinTimeout=00:00:05");

        Assert.Equal(NodeExit.RemovedByCluster, await node.ExitCodeAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains("was unsuccessful after configured shutdown-after-unsuccessful-join-seed-nodes", node.Output);
        Assert.Contains("before this node joined the cluster (no seed answered within Cluster:JoinTimeout, or the join was refused): it never served, and exits with 3", node.Output);
        Assert.DoesNotContain("Welcome from", node.Output);
    }

    [Fact]
    public async Task A_node_paused_until_the_cluster_downs_it_does_not_serve_once_resumed_and_exits_with_3()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var ports = LocalCluster.FreePorts(3);
        var seed = $"akka.tcp://orchestrator@127.0.0.1:{ports[0]}";
        var nodes = Enumerable.Range(0, 3).Select(i => Start(ports[i], seed, $"node{i}")).ToList();
        var clients = new List<HttpClient>();
        foreach (var node in nodes) clients.Add(new HttpClient { BaseAddress = await node.ReadyAsync(Limit), Timeout = TimeSpan.FromSeconds(5) });
        foreach (var client in clients)
            await Poll.UntilAsync(async () =>
            {
                using var status = JsonDocument.Parse(await client.GetStringAsync("/api/status"));
                return status.RootElement.GetProperty("cluster").GetProperty("members").EnumerateArray()
                    .Count(m => m.GetProperty("status").GetString() == "Up");
            }, n => n == 3, "three members Up", Limit);

        // Node 2 freezes; the other two find it unreachable and, after StableAfter, down it (they are the majority).
        nodes[2].Pause();
        await Poll.UntilAsync(async () =>
        {
            using var status = JsonDocument.Parse(await clients[0].GetStringAsync("/api/status"));
            return status.RootElement.GetProperty("cluster").GetProperty("members").GetArrayLength();
        }, n => n == 2, "the majority removes the frozen node", TimeSpan.FromSeconds(60));
        Assert.Equal(200, await ReadyStatusAsync(clients[0]));

        // Resumed, it finds itself cut off from the majority and learns it was downed: it serves nothing more (its
        // readiness is never 200 again, until the process is gone), and exits non-zero.
        nodes[2].Resume();
        using var resumed = new HttpClient { BaseAddress = clients[2].BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var readiness = new List<int>();
        var exited = nodes[2].ExitCodeAsync(TimeSpan.FromSeconds(90));
        while (!exited.IsCompleted)
        {
            readiness.Add(await ReadyStatusAsync(resumed));
            await Task.Delay(50);
        }
        var code = await exited;
        Assert.DoesNotContain(200, readiness);
        output.WriteLine(nodes[2].Output);
        Assert.Equal(NodeExit.RemovedByCluster, code);
        Assert.Contains("exit code 3", nodes[2].Output);
        Assert.Equal(200, await ReadyStatusAsync(clients[1]));
    }
}
