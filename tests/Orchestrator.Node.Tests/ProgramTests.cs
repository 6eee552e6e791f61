using System.Text.Json;

namespace Orchestrator.Node.Tests;

/// <summary>The node as a process: settings from environment variables, exit codes, and a clean stop on Ctrl-C.</summary>
public sealed class ProgramTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_experiment_command_runs_the_broken_variant_on_a_node_of_its_own_and_exits_1_with_the_aborted_report()
    {
        var reports = Directory.CreateTempSubdirectory("orchestrator-cli-reports-");
        using var run = NodeProcess.Start(["experiment", "run", Path.Combine(RepositoryRoot.Path, "experiments", "broken", "profile-and-replica-down.json"), "--reports", reports.FullName],
            new Dictionary<string, string>());
        Assert.Equal(1, await run.ExitCodeAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains("Verdict: aborted", run.Output);
        var markdown = Assert.Single(reports.GetFiles("*.md"));
        var text = await File.ReadAllTextAsync(markdown.FullName);
        Assert.Contains("**Verdict: aborted**", text);
        Assert.Contains("the homepage answers 200 failed :crit, milestone", text); // the failure on the timeline chart
        Assert.Single(reports.GetFiles("*.json"));
        reports.Delete(recursive: true);

        // Paths are read from where the command runs, and the report goes to reports/ beside the experiment by default.
        var here = Directory.CreateTempSubdirectory("orchestrator-cli-cwd-");
        Directory.CreateDirectory(Path.Combine(here.FullName, "mine"));
        File.Copy(Path.Combine(RepositoryRoot.Path, "experiments", "broken", "profile-and-replica-down.json"), Path.Combine(here.FullName, "mine", "broken.json"));
        using (var relative = NodeProcess.Start(["experiment", "run", "mine/broken.json"], new Dictionary<string, string>(), here.FullName))
        {
            Assert.Equal(1, await relative.ExitCodeAsync(TimeSpan.FromSeconds(90)));
            Assert.Contains($"Report: {Path.Combine(here.FullName, "mine", "reports")}", relative.Output);
            Assert.Single(new DirectoryInfo(Path.Combine(here.FullName, "mine", "reports")).GetFiles("*.md"));
        }
        using (var missing = NodeProcess.Start(["experiment", "run", "mine/nope.json"], new Dictionary<string, string>(), here.FullName))
        {
            Assert.Equal(2, await missing.ExitCodeAsync(Limit));
            Assert.Contains($"No experiment file 'mine/nope.json' (looked for {Path.Combine(here.FullName, "mine", "nope.json")})", missing.Output);
        }
        here.Delete(recursive: true);

        using var bad = NodeProcess.Start(["experiment", "run", Path.Combine(RepositoryRoot.Path, "README.md")], new Dictionary<string, string>());
        Assert.Equal(2, await bad.ExitCodeAsync(Limit));
        Assert.Contains("not valid JSON", bad.Output);
    }

    [Fact]
    public async Task Bad_settings_from_environment_variables_stop_the_node_with_exit_code_2_naming_them()
    {
        using var node = NodeProcess.Start(["--urls", "http://127.0.0.1:0"], new Dictionary<string, string>
        {
            ["Cluster__Port"] = "99999",
        });

        Assert.Equal(2, await node.ExitCodeAsync(Limit));
        Assert.Contains("Cluster:Port must be between 0", node.Output);
    }

    [Fact]
    public async Task Bad_orchestrator_settings_stop_the_node_with_exit_code_2_naming_them()
    {
        using var node = NodeProcess.Start(["--urls", "http://127.0.0.1:0", "--Cluster:Port=0"], new Dictionary<string, string>
        {
            ["Orchestrator__Dependencies__payments__Bulkhead__MaxConcurrency"] = "-1",
        });

        Assert.Equal(2, await node.ExitCodeAsync(Limit));
        Assert.Contains("Orchestrator:Dependencies:payments:Bulkhead:MaxConcurrency must be at least 1", node.Output);
    }

    [Fact]
    public async Task The_node_runs_with_settings_from_the_environment_and_exits_cleanly_on_ctrl_c()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return; // SIGINT is a POSIX signal

        var data = Directory.CreateTempSubdirectory("orchestrator-program-");
        using var node = NodeProcess.Start(["--urls", "http://127.0.0.1:0"], new Dictionary<string, string>
        {
            ["Cluster__Hostname"] = "127.0.0.1",
            ["Cluster__Port"] = "0",
            ["Orchestrator__WriteQueue__DatabasePath"] = Path.Combine(data.FullName, "node.db"), // never the user's real one
        });
        var address = await node.ListeningAsync(Limit);
        using var http = new HttpClient { BaseAddress = address, Timeout = Limit };

        Assert.Equal(200, (int)(await http.GetAsync("/health")).StatusCode);
        var nodeAddress = await Poll.UntilAsync(async () =>
        {
            using var status = JsonDocument.Parse(await http.GetStringAsync("/api/status"));
            var info = status.RootElement.GetProperty("node");
            return (Address: info.GetProperty("address").GetString(), Status: info.GetProperty("memberStatus").GetString());
        }, s => s.Status == "Up", "the node becomes an Up cluster member");
        Assert.DoesNotContain(":4053", nodeAddress.Address); // Cluster__Port=0 from the environment was used

        node.Interrupt();

        Assert.Equal(0, await node.ExitCodeAsync(Limit));
        Assert.Contains("Application is shutting down", node.Output);
        Assert.Contains("Remoting shut down", node.Output);
        // A single node says what it does with no seed nodes, instead of Akka's "manual cluster join required".
        Assert.Contains("No Cluster:SeedNodes given: this node forms a cluster of its own at akka.tcp://", node.Output);
        Assert.DoesNotContain("No seed-nodes configured", node.Output);
        data.Delete(recursive: true);
    }
}
