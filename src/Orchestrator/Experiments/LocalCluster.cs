using Orchestrator.Experiments;
using System.Diagnostics;
using System.Reflection;

namespace Orchestrator.Node.Experiments;

/// <summary>
/// A cluster of node processes started on this machine for one experiment run (<c>experiment run FILE</c> without
/// <c>--target</c>, for an experiment of several nodes): each node is this program again, in a process of its own (so
/// that one can be killed as in production), on 127.0.0.1 with free ports, its own data under the run's directory, and
/// node 1 as the seed. Each node's output goes to <c>node{n}.log</c> there. Disposing kills whatever still runs.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);

    private readonly List<Process> _processes = [];
    private readonly List<StreamWriter> _logs = [];

    private LocalCluster(string directory) => Directory = directory;

    /// <summary>Where the nodes keep their data and logs.</summary>
    public string Directory { get; }

    /// <summary>Each node's HTTP address, node 1 first.</summary>
    public List<Uri> Addresses { get; } = [];

    /// <summary>
    /// Starts <paramref name="nodes"/> nodes with <paramref name="nodeArgs"/> (node settings, which win over the
    /// cluster's own), and waits until each is ready and has served a first homepage.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(int nodes, IReadOnlyList<string> nodeArgs, string directory, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(directory);
        var cluster = new LocalCluster(directory);
        try
        {
            var ports = FreePorts(2 * nodes);
            var seed = $"akka.tcp://{NodeHost.ActorSystemName}@127.0.0.1:{ports[0]}";
            for (var i = 0; i < nodes; i++) cluster.Start(i + 1, ports[nodes + i], ports[i], seed, nodeArgs);
            await Task.WhenAll(cluster.Addresses.Select((address, i) => cluster.ReadyAsync(i, address, cancellationToken)));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private void Start(int node, int httpPort, int clusterPort, string seed, IReadOnlyList<string> nodeArgs)
    {
        var (program, leading) = ThisProgram();
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in leading) info.ArgumentList.Add(arg);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{httpPort}");
        foreach (var arg in nodeArgs) info.ArgumentList.Add(arg);
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment["Cluster__Hostname"] = "127.0.0.1";
        info.Environment["Cluster__Port"] = clusterPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Cluster__SeedNodes__0"] = seed;
        info.Environment["Cluster__Bootstrap__Discovery"] = "None"; // seed nodes, whatever appsettings say
        // A killed member is downed after 5 s of being unreachable, not the default 20 s: a run's cluster is small and local.
        info.Environment["Cluster__StableAfter"] = "00:00:05";
        info.Environment["Orchestrator__WriteQueue__DatabasePath"] = Path.Combine(Directory, $"node{node}.db");
        info.Environment["Orchestrator__Chaos__Enabled"] = "true";

        var log = new StreamWriter(Path.Combine(Directory, $"node{node}.log")) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        _logs.Add(log);
        process.Start();
        _processes.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Addresses.Add(new Uri($"http://127.0.0.1:{httpPort}"));
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log) log.WriteLine(line);
    }

    /// <summary>Waits until node <paramref name="index"/> is ready (an Up member) and serves a homepage (its first, cold one can miss its deadline).</summary>
    private async Task ReadyAsync(int index, Uri address, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var until = Stopwatch.StartNew();
        var ready = false;
        while (until.Elapsed < StartLimit)
        {
            if (_processes[index].HasExited)
                throw new InvalidOperationException($"Node {index + 1} exited with code {_processes[index].ExitCode} while starting; see {Path.Combine(Directory, $"node{index + 1}.log")}.");
            try
            {
                ready = ready || (await http.GetAsync("/health/ready", cancellationToken)).IsSuccessStatusCode;
                if (ready && (await http.GetAsync("/shop/home/warm-up", cancellationToken)).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not listening yet, or slow to answer while it starts: ask again.
            }
            await Task.Delay(500, cancellationToken);
        }
        throw new TimeoutException($"Node {index + 1} at {address} was not ready within {StartLimit.TotalSeconds:0} s; see {Path.Combine(Directory, $"node{index + 1}.log")}.");
    }

    /// <summary>How to start this program again: its apphost, or <c>dotnet</c> with its assembly.</summary>
    private static (string Program, string[] Leading) ThisProgram()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var entry = Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase) && entry is { Length: > 0 }
            ? (host, [entry])
            : (host, []);
    }

    /// <summary><paramref name="count"/> TCP ports free on loopback now (the tests' node processes take theirs here too): see <see cref="LoopbackPorts"/>.</summary>
    internal static int[] FreePorts(int count) => LoopbackPorts.Take(count);

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                // Gone already, or it will be: nothing more to do here.
            }
            process.Dispose();
        }
        foreach (var log in _logs) await log.DisposeAsync();
    }
}
