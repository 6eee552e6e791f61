using System.Text.Json;
using Xunit.Abstractions;
using Orchestrator.Experiments;
using Orchestrator.Node.Experiments;
using Orchestrator.Node.Lifecycle;

namespace Orchestrator.Node.Tests;

/// <summary>
/// Node processes on 127.0.0.1 forming their cluster with Cluster Bootstrap and three contact points (Config
/// discovery), as docker-compose.yml and scripts/local-cluster.sh do: a restarted node rejoins the cluster the
/// others are in, whichever node it is, and a new cluster forms only once every contact point answers.
/// </summary>
/// <remarks>
/// Serial (<see cref="FormationCollection"/>): three nodes start, probe each other and form a cluster within
/// <see cref="Limit"/>; beside the suite's other process tests, which start nodes of their own, a clean-clone run once
/// took longer than that to form one.
/// </remarks>
[Collection(nameof(FormationCollection))]
public sealed class BootstrapProcessTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>The bound of each wait (each ends as soon as what it waits for is seen): a node's start, probing and join take about 10 s here.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private readonly string _directory = Directory.CreateTempSubdirectory("orchestrator-bootstrap-").FullName;
    private readonly List<(int Node, NodeProcess Process)> _processes = [];
    private readonly List<HttpClient> _clients = [];
    // Management ports in ascending order: contact point 0 has the lowest address, the one that forms a new cluster.
    private readonly int[] _managementPorts = LocalCluster.FreePorts(3).Order().ToArray();
    private readonly int[] _akkaPorts = LocalCluster.FreePorts(3);

    [Fact]
    public async Task A_restarted_node_with_the_lowest_address_rejoins_the_running_cluster_instead_of_forming_a_second_one()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return; // signals are POSIX

        var nodes = new[] { Start(0), Start(1), Start(2) };
        var http = new HttpClient[3];
        for (var i = 0; i < 3; i++) http[i] = await ReadyClient(nodes[i]);
        var formed = await Poll.UntilAsync(() => Members(0), m => m.Count == 3, "node 0 sees the three members", Limit);
        Assert.Contains("Initiating new cluster, self-joining", nodes[0].Output); // the lowest contact point formed it
        var uidOf1 = formed.Single(m => m.Port == _akkaPorts[1]).Uid;
        var uidOf2 = formed.Single(m => m.Port == _akkaPorts[2]).Uid;

        // kill -9 the node that formed the cluster and start it again at once, on its own ports and data: with seed
        // nodes, the first seed would form a cluster of its own here. It asks the contact points instead, finds the
        // other two in a cluster, and joins them as a new incarnation.
        nodes[0].KillHard();
        var restarted = await StartUntilReady(0);
        foreach (var i in new[] { 0, 1, 2 })
        {
            var members = await Poll.UntilAsync(() => Members(i),
                m => m.Count == 3 && m.Single(x => x.Port == _akkaPorts[0]).Uid != formed.Single(x => x.Port == _akkaPorts[0]).Uid,
                $"node {i} sees the restarted node 0 as a member", Limit);
            // One cluster: every node lists the same members, nodes 1 and 2 as the incarnations that formed it.
            Assert.Equal(uidOf1, members.Single(m => m.Port == _akkaPorts[1]).Uid);
            Assert.Equal(uidOf2, members.Single(m => m.Port == _akkaPorts[2]).Uid);
        }
        Assert.DoesNotContain("Initiating new cluster", restarted.Output);
        Assert.Contains("to existing cluster", restarted.Output);
    }

    [Fact]
    public async Task A_new_cluster_forms_only_once_every_contact_point_answers()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;

        // Nodes 1 and 2 alone: contact point 0 does not answer, so neither forms a cluster, whatever the time.
        var node1 = Start(1);
        var node2 = Start(2);
        foreach (var node in new[] { node1, node2 })
            await Poll.UntilAsync(() => Task.FromResult(WaitsForContactPoint0(node.Output)),
                decided => decided, "the bootstrap decided to wait for the missing contact point", Limit);
        foreach (var (node, i) in new[] { (node1, 1), (node2, 2) })
        {
            Assert.Empty(await Members(i));
            using var http = new HttpClient { BaseAddress = await node.ListeningAsync(Limit), Timeout = Limit };
            using var ready = await http.GetAsync("/health/ready");
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        // Node 0 comes: all three answer, none is in a cluster; node 0 (the lowest address) forms it, the others join.
        Start(0);
        foreach (var i in new[] { 0, 1, 2 })
            await Poll.UntilAsync(() => Members(i), m => m.Count == 3, $"node {i} sees the three members", Limit);
        Assert.DoesNotContain("Initiating new cluster", node1.Output);
        Assert.DoesNotContain("Initiating new cluster", node2.Output);
    }

    /// <summary>Whether the bootstrap decided, with the other contact point's answer in hand, not to form a cluster without contact point 0.</summary>
    private static bool WaitsForContactPoint0(string output) =>
        // Two contact points confirmed, not the three required; or enough of them, but one did not answer.
        output.Contains("confirmed [2], which is less than the required [3]") || output.Contains("missing seed node information from some contact points");

    private NodeProcess Start(int index)
    {
        var environment = new Dictionary<string, string>
        {
            ["Cluster__Hostname"] = "127.0.0.1",
            ["Cluster__Port"] = _akkaPorts[index].ToString(),
            ["Cluster__StableAfter"] = "00:00:03",
            ["Cluster__Bootstrap__Discovery"] = "Config",
            ["Cluster__Bootstrap__ManagementPort"] = _managementPorts[index].ToString(),
            ["Cluster__Bootstrap__StableMargin"] = "00:00:01",
            ["Orchestrator__WriteQueue__DatabasePath"] = Path.Combine(_directory, $"node{index}.db"),
        };
        for (var i = 0; i < 3; i++) environment[$"Cluster__Bootstrap__ContactPoints__{i}"] = $"127.0.0.1:{_managementPorts[i]}";
        var process = NodeProcess.Start(["--urls", "http://127.0.0.1:0"], environment);
        _processes.Add((index, process));
        return process;
    }

    /// <summary>
    /// Starts node <paramref name="index"/> again as a restart policy would: a start that gives up joining
    /// (<c>Cluster:JoinTimeout</c>, exit 3) is followed by another, at most three in all. With classic remoting, a
    /// restarted node and a survivor can associate at the same moment, and the survivor's answers go to a connection
    /// the new node no longer reads (seen once in a clean-clone CI run: every InitJoinAck sent, none received); the
    /// join timeout ends such a start, and the next one joins (docs/cluster.md). None of the starts forms a cluster.
    /// </summary>
    private async Task<NodeProcess> StartUntilReady(int index)
    {
        for (var start = 1; ; start++)
        {
            var node = Start(index);
            var ready = node.ReadyAsync(Limit);
            var exited = node.ExitCodeAsync(Limit);
            if (await Task.WhenAny(ready, exited) == ready)
            {
                _clients.Add(new HttpClient { BaseAddress = await ready, Timeout = Limit });
                return node;
            }
            Assert.Equal(NodeExit.RemovedByCluster, await exited);
            Assert.Contains("before this node joined the cluster", node.Output);
            Assert.DoesNotContain("Initiating new cluster", node.Output);
            Assert.True(start < 3, $"Node {index} gave up joining {start} times in a row. Output of the last start:\n{node.Output}");
        }
    }

    private async Task<HttpClient> ReadyClient(NodeProcess node)
    {
        var address = await node.ReadyAsync(Limit);
        var http = new HttpClient { BaseAddress = address, Timeout = Limit };
        _clients.Add(http);
        return http;
    }

    private sealed record Member(int Port, long Uid);

    /// <summary>The members a contact point lists, printed as such when a wait for them fails.</summary>
    private sealed class MemberList : List<Member>
    {
        public override string ToString() => Count == 0 ? "no members" : $"{Count} member(s): {string.Join(", ", this)}";
    }

    /// <summary>The members node <paramref name="index"/> hands to a newcomer (its contact point's answer); none while it is in no cluster.</summary>
    private async Task<MemberList> Members(int index)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var json = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{_managementPorts[index]}/bootstrap/seed-nodes"));
            var members = new MemberList();
            members.AddRange(json.RootElement.GetProperty("Nodes").EnumerateArray()
                .Select(n => new Member(n.GetProperty("Node").GetProperty("Port").GetInt32(), n.GetProperty("NodeUid").GetInt64())));
            return members;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new MemberList(); // not listening yet, or too busy to answer within 5 s: asked again
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients) client.Dispose();
        foreach (var (_, process) in _processes) process.Dispose();
        // Every node's output, in start order: the test runner shows it when the test failed.
        foreach (var (node, process) in _processes) output.WriteLine($"--- node {node} ---{Environment.NewLine}{process.Output}");
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

/// <summary>Runs <see cref="BootstrapProcessTests"/> on its own, after the tests that run in parallel.</summary>
[CollectionDefinition(nameof(FormationCollection), DisableParallelization = true)]
public sealed class FormationCollection;
