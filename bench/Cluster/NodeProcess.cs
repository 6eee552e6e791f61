using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Bench.Cluster;

/// <summary>
/// One real orchestrator node (src/Orchestrator, built Release) in its own process, configured by environment
/// variables as scripts/local-cluster.sh does: HTTP and remoting on free ports of 127.0.0.1, two seed nodes, its
/// data in a temporary directory, and an output template with precise timestamps. Its breaker log lines are
/// collected as they arrive; disposing kills the process (and its children) and waits for it.
/// </summary>
public sealed class NodeProcess : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<NodeLogLine> _lines = [];
    private readonly StringBuilder _tail = new();
    private readonly StreamWriter _log;
    private bool _closed;

    private NodeProcess(int index, int httpPort, int akkaPort, Process process, StreamWriter log)
    {
        _log = log;
        AkkaPort = akkaPort;
        Index = index;
        HttpPort = httpPort;
        _process = process;
    }

    /// <summary>The node's position (0 and 1 are the seeds).</summary>
    public int Index { get; }

    /// <summary>The node's HTTP port on 127.0.0.1.</summary>
    public int HttpPort { get; }

    /// <summary>The node's remoting port on 127.0.0.1.</summary>
    public int AkkaPort { get; }

    /// <summary>The node's Akka address, as its log lines name it.</summary>
    public string Address => $"akka.tcp://orchestrator@127.0.0.1:{AkkaPort}";

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts node <paramref name="index"/> of <paramref name="dll"/> with remoting on <paramref name="akkaPort"/>, joining through <paramref name="seedPorts"/>.</summary>
    public static NodeProcess Start(string dll, int index, int httpPort, int akkaPort, IReadOnlyList<int> seedPorts, string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}";
        info.Environment["Cluster__Hostname"] = "127.0.0.1";
        info.Environment["Cluster__Port"] = akkaPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < seedPorts.Count; i++)
            info.Environment[$"Cluster__SeedNodes__{i}"] = $"akka.tcp://orchestrator@127.0.0.1:{seedPorts[i]}";
        info.Environment["Orchestrator__WriteQueue__DatabasePath"] = Path.Combine(dataDirectory, "orchestrator.db");
        info.Environment["Serilog__WriteTo__0__Args__outputTemplate"] = NodeLogLine.OutputTemplate;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {dll}");
        var node = new NodeProcess(index, httpPort, akkaPort, process, new StreamWriter(Path.Combine(dataDirectory, "node.log")));
        process.OutputDataReceived += (_, e) => node.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => node.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        var parsed = NodeLogLine.Parse(line);
        lock (_gate)
        {
            if (parsed is not null) _lines.Add(parsed);
            if (!_closed) _log.WriteLine(line);
            _tail.AppendLine(line);
            if (_tail.Length > 8000) _tail.Remove(0, _tail.Length - 4000);
        }
    }

    /// <summary>The breaker lines logged so far.</summary>
    public List<NodeLogLine> Lines()
    {
        lock (_gate) return [.. _lines];
    }

    /// <summary>The last few kilobytes of the node's output, for error messages.</summary>
    public string Tail()
    {
        lock (_gate) return _tail.ToString();
    }

    /// <summary>How many members this node's cluster-state actor sees Up and reachable; -1 while the node does not answer.</summary>
    public async Task<int> MembersUpAsync()
    {
        try
        {
            using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{HttpPort}/api/status"));
            if (!response.IsSuccessStatusCode) return -1;
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (!doc.RootElement.TryGetProperty("cluster", out var cluster) || cluster.ValueKind != JsonValueKind.Object) return -1;
            return cluster.GetProperty("members").EnumerateArray()
                .Count(m => m.GetProperty("status").GetString() == "Up" && m.GetProperty("reachable").GetBoolean());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return -1;
        }
    }

    /// <summary>Whether <c>GET /health/ready</c> answers 200: the node serves (operator commands included).</summary>
    public async Task<bool> ReadyAsync()
    {
        try
        {
            using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{HttpPort}/health/ready"));
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The state of this node's breaker for <paramref name="dependency"/> (<c>Closed</c>, <c>Open</c>, ...); null while the node does not answer.</summary>
    public async Task<string?> BreakerStateAsync(string dependency)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{HttpPort}/api/status"));
            if (!response.IsSuccessStatusCode) return null;
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return doc.RootElement.GetProperty("dependencies").EnumerateArray()
                .Where(d => d.GetProperty("name").GetString() == dependency)
                .Select(d => d.GetProperty("breaker").GetProperty("state").GetString())
                .FirstOrDefault();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>POSTs an operator command (<c>isolate</c> or <c>reset</c>) for <paramref name="dependency"/>.</summary>
    public async Task CommandAsync(string dependency, string command)
    {
        using var body = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri($"http://127.0.0.1:{HttpPort}/api/dependencies/{dependency}/{command}"), body);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"node {Index}: {command} {dependency} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Free TCP ports on 127.0.0.1 (bound and released at once: another process could still take one).</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var l in listeners) l.Start();
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }

    /// <summary>Kills the process and its children, and waits for them.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
        _process.Dispose();
        lock (_gate)
        {
            _closed = true;
            _log.Dispose();
        }
    }
}
