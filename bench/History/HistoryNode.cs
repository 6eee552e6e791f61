using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Bench.History;

/// <summary>
/// The node of a history run: the built Orchestrator.dll beside this program, as its own process, one node that is
/// its own cluster, on fixed ports of 127.0.0.1 (so that it comes back where its clients look for it), its journal
/// and payments ledger in one directory that outlives its kills. Settings that make a short run eventful: a payment
/// recovery every 2 s, quick write-queue retries and only 3 attempts (so some charges fail for good), a payments
/// breaker open for 1 s, no per-client limit (every client of the run has the same address).
/// </summary>
public sealed class HistoryNode : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly string _dll = Path.Combine(AppContext.BaseDirectory, "Orchestrator.dll");
    private readonly int _akkaPort = FreePort();
    private readonly StreamWriter _log;
    private Process? _process;

    public HistoryNode(string directory)
    {
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

    /// <summary>The payments ledger's SQLite file.</summary>
    public string LedgerPath => Path.Combine(Directory, "orchestrator-payments.db");

    /// <summary>Starts the process (again, after a kill: on the same files and ports).</summary>
    public void Start()
    {
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
            ["Orchestrator__WriteQueue__DatabasePath"] = Path.Combine(Directory, "orchestrator.db"),
            ["Orchestrator__WriteQueue__BaseDelay"] = "00:00:00.100",
            ["Orchestrator__WriteQueue__MaxDelay"] = "00:00:01",
            ["Orchestrator__WriteQueue__PausedDelay"] = "00:00:00.300",
            ["Orchestrator__WriteQueue__MaxAttempts"] = "3",
            ["Orchestrator__Dependencies__payments__Breaker__ResetTimeout"] = "00:00:01",
            ["Shop__PaymentRecoveryInterval"] = "00:00:02",
            ["Edge__RateLimit__Enabled"] = "false",
            ["Serilog__MinimumLevel__Default"] = "Warning",
        };
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
