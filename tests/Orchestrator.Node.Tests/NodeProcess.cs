using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Orchestrator.Node.Tests;

/// <summary>The node run as its own process (the built Orchestrator.dll beside the tests), with its output captured.</summary>
public sealed partial class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
    }

    /// <summary>Starts the node with <paramref name="args"/> and extra <paramref name="environment"/> variables, in <paramref name="workingDirectory"/> (default: beside the tests).</summary>
    public static NodeProcess Start(string[] args, IDictionary<string, string> environment, string? workingDirectory = null)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        // A test run started in the background (a shell's '&', nohup) ignores SIGINT, and every child inherits that:
        // the node would never see Ctrl-C (.NET keeps an inherited SIG_IGN). GNU env puts SIGINT back to its default
        // and execs the node (same process id).
        var resetSigInt = IgnoresSigInt() && File.Exists("/usr/bin/env");
        var info = new ProcessStartInfo(resetSigInt ? "/usr/bin/env" : host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        if (resetSigInt)
        {
            info.ArgumentList.Add("--default-signal=INT");
            info.ArgumentList.Add(host);
        }
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Orchestrator.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        // The tests play many clients from one address (loopback): the per-client fair share would refuse their load.
        info.Environment["Edge__RateLimit__Enabled"] = "false";
        foreach (var (key, value) in environment) info.Environment[key] = value;

        var node = new NodeProcess(new Process { StartInfo = info });
        node._process.Start();
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Whether this process ignores SIGINT (Linux: bit 2 of SigIgn in /proc/self/status), so that a child would too.</summary>
    private static bool IgnoresSigInt()
    {
        if (!OperatingSystem.IsLinux()) return false;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (2 - 1))) != 0;
    }

    /// <summary>Everything the node printed so far.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>The HTTP address the node reported it listens on.</summary>
    public async Task<Uri> ListeningAsync(TimeSpan limit)
    {
        var done = await Task.WhenAny(_listening.Task, Task.Delay(limit));
        if (done != _listening.Task) throw new Xunit.Sdk.XunitException($"The node did not report its address within {limit}. Output:\n{Output}");
        return await _listening.Task;
    }

    /// <summary>
    /// The HTTP address, once the node serves: <c>/health/ready</c> answers 200 (an Up member with a majority,
    /// its write queue recovered). Until then the node answers the shop and the operator API with 503.
    /// </summary>
    public async Task<Uri> ReadyAsync(TimeSpan limit)
    {
        var address = await ListeningAsync(limit);
        using var http = new HttpClient { BaseAddress = address, Timeout = limit };
        await Poll.UntilAsync(async () =>
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
        }, status => status == 200, "the node is ready", limit);
        return address;
    }

    /// <summary>Waits for the process to end; its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"The node did not exit within {limit}. Output:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>Sends SIGINT, as Ctrl-C in a terminal does.</summary>
    public void Interrupt()
    {
        if (kill(_process.Id, 2) != 0) throw new InvalidOperationException($"kill(SIGINT) failed: {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Sends SIGTERM, as <c>docker stop</c> and systemd do.</summary>
    public void Terminate()
    {
        if (kill(_process.Id, 15) != 0) throw new InvalidOperationException($"kill(SIGTERM) failed: {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Freezes the process (SIGSTOP), as a long GC pause or a stalled VM would.</summary>
    public void Pause()
    {
        if (kill(_process.Id, 19) != 0) throw new InvalidOperationException($"kill(SIGSTOP) failed: {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Lets a paused process run again (SIGCONT).</summary>
    public void Resume()
    {
        if (kill(_process.Id, 18) != 0) throw new InvalidOperationException($"kill(SIGCONT) failed: {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Kills the process with SIGKILL, as <c>kill -9</c> does (no shutdown of any kind), and waits until it is gone.</summary>
    public void KillHard()
    {
        if (kill(_process.Id, 9) != 0) throw new InvalidOperationException($"kill(SIGKILL) failed: {Marshal.GetLastPInvokeError()}");
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        if (ListeningLine().Match(line) is { Success: true } m) _listening.TrySetResult(new Uri(m.Groups[1].Value));
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
