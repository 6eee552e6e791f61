using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Bench.Node;

/// <summary>
/// The node a run measures or attacks: the built Orchestrator.dll beside this program, as its own process, one node
/// that is its own cluster, on fixed ports of 127.0.0.1 (so that it comes back where its clients look for it), its
/// journal and payments ledger in one directory that outlives its kills and restarts, with no per-client limit (every
/// client of a run has the same address) and settings of the run's own.
/// </summary>
public sealed class NodeUnderTest : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly string _dll = Path.Combine(AppContext.BaseDirectory, "Orchestrator.dll");
    private readonly int _akkaPort = FreePort();
    private readonly StreamWriter _log;
    private Process? _process;

    private readonly IReadOnlyDictionary<string, string> _settings;

    public NodeUnderTest(string directory, IReadOnlyDictionary<string, string>? settings = null)
    {
        _settings = settings ?? new Dictionary<string, string>();
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        HttpPort = FreePort();
        _log = new StreamWriter(Path.Combine(directory, "node.log"), append: true) { AutoFlush = true };
    }

    /// <summary>Where its journal, ledger and log are.</summary>
    public string Directory { get; }

    /// <summary>Its HTTP port on 127.0.0.1.</summary>
    public int HttpPort { get; }

    /// <summary>Its address.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}/");

    /// <summary>The journal's SQLite file.</summary>
    public string JournalPath => Path.Combine(Directory, "orchestrator.db");

    /// <summary>The payments ledger's SQLite file.</summary>
    public string LedgerPath => Path.Combine(Directory, "orchestrator-payments.db");

    /// <summary>Starts the process (again, after a kill or a stop: on the same files and ports).</summary>
    public void Start()
    {
        StartedAt = Stopwatch.GetTimestamp();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(_dll);
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{HttpPort}",
            ["Cluster__Hostname"] = "127.0.0.1",
            ["Cluster__Port"] = _akkaPort.ToString(CultureInfo.InvariantCulture),
            ["Orchestrator__WriteQueue__DatabasePath"] = JournalPath,
            ["Edge__RateLimit__Enabled"] = "false",
            ["Serilog__MinimumLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in _settings) settings[key] = value;
        foreach (var (key, value) in settings) info.Environment[key] = value;
        _process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {_dll}.");
        _process.OutputDataReceived += (_, e) => Write(e.Data);
        _process.ErrorDataReceived += (_, e) => Write(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Write(string? line)
    {
        if (line is null) return;
        lock (_log) _log.WriteLine(line);
    }

    /// <summary>When the process was last started (a <see cref="Stopwatch"/> timestamp).</summary>
    public long StartedAt { get; private set; }

    /// <summary>Stops the process as SIGTERM does (the node's stop in order), and waits for it to exit; its exit code.</summary>
    public int Stop()
    {
        if (_process is not { HasExited: false } process) return _process?.ExitCode ?? 0;
        if (kill(process.Id, 15) != 0) throw new InvalidOperationException("kill(SIGTERM) failed.");
        if (!process.WaitForExit(TimeSpan.FromSeconds(60))) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return process.ExitCode;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>Kills the process at once, as kill -9 would: nothing is flushed, nothing leaves in order.</summary>
    public void Kill()
    {
        if (_process is not { HasExited: false } process) return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        Write($"---- killed with SIGKILL at {DateTimeOffset.UtcNow:O} ----");
    }

    /// <summary>Waits until the node serves (readiness 200); false after <paramref name="limit"/>.</summary>
    public async Task<bool> ReadyAsync(TimeSpan limit, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit && !ct.IsCancellationRequested)
        {
            if (_process is { HasExited: true }) throw new InvalidOperationException($"The node exited with {_process.ExitCode}; see {Path.Combine(Directory, "node.log")}.");
            try
            {
                using var ready = await Http.GetAsync(new Uri(BaseAddress, "health/ready"), ct);
                if (ready.StatusCode == HttpStatusCode.OK) return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(200, ct);
        }
        return false;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        lock (_log) _log.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
