using Orchestrator.Experiments;
using System.Runtime.InteropServices;

namespace Orchestrator.Node.Experiments;

/// <summary>
/// <c>dotnet run --project src/Orchestrator -- experiment run FILE [--target URL]... [--token TOKEN] [--reports DIR] [node settings...]</c>:
/// runs the experiment in FILE against the node at URL (one <c>--target</c> per node, node 1 first, for an experiment
/// of several nodes), or, without <c>--target</c>, against a node started here for the run (on a free port, with the
/// given node settings; for an experiment of several nodes, a cluster of node processes, <see cref="LocalCluster"/>),
/// and writes its report (JSON and markdown) to DIR (default: <c>reports</c> beside FILE). Paths are read from the
/// directory the command is run in (<c>dotnet run</c> keeps it: see the node's project file). <c>experiment list [DIR]</c>
/// lists the stored experiments (default <c>experiments</c>). Exit codes: 0 held, 1 failed or aborted, 2 a bad experiment
/// or bad arguments, 3 it could not run (the node did not start or answer, or faults it did not inject were active).
/// </summary>
public static class ExperimentCommand
{
    private const string Usage = "usage: experiment run FILE [--target URL]... [--token TOKEN] [--reports DIR] [node settings...] | experiment list [DIR]\n" +
        "  FILE, DIR: paths from the current directory; reports go to DIR (default: reports/ beside FILE).";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["list", .. var rest] && rest.Length <= 1)
        {
            var store = new ExperimentStore(Path.GetFullPath(rest.Length == 1 ? rest[0] : "experiments"), Path.GetTempPath());
            foreach (var stored in store.List()) Console.WriteLine($"{stored.Name}: {stored.Title ?? stored.Error}");
            return 0;
        }
        if (args is not ["run", var file, .. var options]) return Fail(Usage);
        string? token = null, reports = null;
        var targets = new List<string>();
        var nodeArgs = new List<string>();
        for (var i = 0; i < options.Length; i++)
        {
            switch (options[i])
            {
                case "--target" when i + 1 < options.Length: targets.Add(options[++i]); break;
                case "--token" when i + 1 < options.Length: token = options[++i]; break;
                case "--reports" when i + 1 < options.Length: reports = options[++i]; break;
                default: nodeArgs.Add(options[i]); break;
            }
        }
        if (!File.Exists(file)) return Fail($"No experiment file '{file}' (looked for {Path.GetFullPath(file)}).");
        reports ??= Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, "reports");
        var (experiment, error) = ExperimentReader.Read(await File.ReadAllTextAsync(file));
        if (experiment is null) return Fail($"{file}: {error}");
        var addresses = new List<Uri>();
        foreach (var target in targets)
        {
            if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                return Fail($"--target must be an http(s) URL, not '{target}'.");
            addresses.Add(uri);
        }
        if (addresses.Count > 0 && addresses.Count != experiment.NodeCount)
            return Fail($"{file} runs against {experiment.NodeCount} node(s): give --target once for each (node 1 first), not {addresses.Count} time(s).");

        WebApplication? node = null;
        LocalCluster? cluster = null;
        var data = Path.Combine(Path.GetTempPath(), $"orchestrator-experiment-{Guid.NewGuid():N}");
        var code = 3;
        // Ctrl-C or SIGTERM: the run is aborted and rolled back, its report written, and the nodes started here stopped.
        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            if (addresses.Count == 0 && experiment.NodeCount > 1)
            {
                Console.WriteLine($"Starting a cluster of {experiment.NodeCount} nodes for the run, in {data} ...");
                cluster = await LocalCluster.StartAsync(experiment.NodeCount, nodeArgs, data, stop.Token);
                addresses.AddRange(cluster.Addresses);
            }
            return code = await RunAsync(experiment, file, addresses, token, reports, nodeArgs, data, n => node = n, stop.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync($"The experiment could not run: {e.GetType().Name}: {e.Message}");
            return 3;
        }
        finally
        {
            if (cluster is not null) await cluster.DisposeAsync();
            // The nodes' logs (node{n}.log) tell what went wrong: kept when the run did not hold.
            var keep = cluster is not null && code != 0 && Directory.Exists(data);
            if (keep) await Console.Error.WriteLineAsync($"The nodes' logs and data are kept in {data}.");
            if (node is not null)
            {
                await node.StopAsync();
                await node.DisposeAsync();
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (!keep && Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    private static async Task<int> RunAsync(Experiment experiment, string file, List<Uri> targets, string? token, string reports, List<string> nodeArgs,
        string data, Action<WebApplication> started, CancellationToken cancellationToken)
    {
        if (targets.Count == 0)
        {
            // A node of its own: any free ports, and its own data (unless the arguments say otherwise), so that it
            // never meets a node already running here.
            if (!nodeArgs.Any(a => a.Contains("WriteQueue:DatabasePath", StringComparison.Ordinal)))
                nodeArgs.Add($"--Orchestrator:WriteQueue:DatabasePath={Path.Combine(data, "node.db")}");
            if (!nodeArgs.Any(a => a.Contains("Cluster:Port", StringComparison.Ordinal))) nodeArgs.Add("--Cluster:Port=0");
            var node = NodeHost.Build([.. nodeArgs, "--urls", "http://127.0.0.1:0"]);
            started(node);
            await node.StartAsync(cancellationToken);
            targets.Add(new Uri(node.Urls.First()));
            await WaitUntilReadyAsync(targets[0]);
        }
        using var http = new HttpClient();
        if (token is not null) http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        Console.WriteLine($"Running '{experiment.Title}' against {string.Join(", ", targets)} ...");
        var report = await new ExperimentRunner(http, targets).RunAsync(experiment, cancellationToken);
        Console.WriteLine($"Verdict: {report.Verdict}. {report.Reason}");
        if (report.Verdict == Verdicts.Refused) return 3; // nothing ran: no report to keep
        var (json, markdown) = new ExperimentStore(Path.GetDirectoryName(Path.GetFullPath(file))!, Path.GetFullPath(reports)).Write(report);
        Console.WriteLine($"Report: {markdown} ({json})");
        return report.Verdict == Verdicts.Held ? 0 : 1;
    }

    private static async Task WaitUntilReadyAsync(Uri target)
    {
        using var http = new HttpClient { BaseAddress = target, Timeout = TimeSpan.FromSeconds(5) };
        for (var i = 0; i < 120; i++)
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or slow to answer while it starts: ask again.
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"The node at {target} did not become ready within 60 s.");
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
