using System.Diagnostics;
using System.Text.Json;

namespace Orchestrator.Node.Tests;

/// <summary>
/// README.md's "Try it" block (between <c>&lt;!-- tour:commands --&gt;</c> and its end marker), run as written by bash
/// and curl against a node process of its own (only the address changes: the node listens on a free port), command
/// after command, each answer checked against what the README promises. The block is the test's input: a command added
/// to it without an expectation here, or one changed so that it no longer does what it says, fails the test. Alone, as
/// the experiment it ends with runs a load.
/// </summary>
[Collection(nameof(ExperimentCommandCollection))]
public sealed class ReadmeTourTests : IDisposable
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(4);
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("orchestrator-tour-");

    /// <summary>What one command of the tour must answer: the text that finds it in the block, and the check of its answer.</summary>
    private sealed record Step(string Finds, int Status, Action<JsonElement?, string> Check, bool UntilTrue = false);

    private static readonly Step[] Tour =
    [
        new("/shop/home/alice", 200, (json, _) => Assert.Equal("personalised", json!.Value.GetProperty("recommendations").GetProperty("data").GetProperty("kind").GetString())),
        new("POST localhost:5080/api/faults/recommendations", 200, (json, _) => Assert.True(json!.Value.GetProperty("accepted").GetBoolean())),
        new("/shop/home/alice", 200, (json, _) =>
        {
            var recommendations = json!.Value.GetProperty("recommendations");
            Assert.Equal("Cached", recommendations.GetProperty("freshness").GetString()); // her list, from the cache
            Assert.Equal("personalised", recommendations.GetProperty("data").GetProperty("kind").GetString());
        }),
        new("/api/status", 200, (json, _) =>
        {
            // The fault shows at once, though no call has met it yet (alice's list came from the cache).
            var recommendations = json!.Value.GetProperty("dependencies").EnumerateArray().Single(d => d.GetProperty("name").GetString() == "recommendations");
            Assert.StartsWith("Error", recommendations.GetProperty("fault").GetProperty("description").GetString());
        }),
        new("/metrics", 200, (_, text) => Assert.Contains("orchestrator_calls_total{", text)),
        new("/health/degradation", 200, (json, _) => Assert.Contains(json!.Value.GetProperty("status").GetString(), new[] { "Healthy", "Degraded" })),
        new("DELETE localhost:5080/api/faults/recommendations", 200, (json, _) => Assert.Equal(JsonValueKind.Null, json!.Value.GetProperty("fault").ValueKind)),
        new("POST localhost:5080/api/faults/payments", 200, (json, _) => Assert.Equal("Hang", json!.Value.GetProperty("fault").GetProperty("fault").GetProperty("kind").GetString())),
        new("/shop/checkout", 202, (json, _) => Assert.Equal("pending_payment", json!.Value.GetProperty("status").GetString())),
        new("DELETE localhost:5080/api/faults/payments", 200, (json, _) => Assert.Equal(JsonValueKind.Null, json!.Value.GetProperty("fault").ValueKind)),
        new("/shop/orders?status=pending_payment", 200, (json, _) => Assert.Equal(0, json!.Value.GetProperty("orders").GetArrayLength()), UntilTrue: true),
        new("name=severe-stress", 200, (json, _) =>
        {
            var report = json!.Value.GetProperty("report");
            Assert.True(report.GetProperty("verdict").GetString() == "held", report.GetProperty("reason").GetString());
        }),
    ];

    [Fact]
    public async Task The_try_it_block_of_the_readme_runs_as_written_and_every_command_answers_what_it_promises()
    {
        var commands = Commands();
        Assert.True(commands.Count == Tour.Length,
            $"README.md's tour has {commands.Count} commands; this test knows what {Tour.Length} must answer. Give each new command its expectation.");
        using var node = NodeProcess.Start(["--urls", "http://127.0.0.1:0", "--Cluster:Port=0",
            $"--Orchestrator:WriteQueue:DatabasePath={Path.Combine(_data.FullName, "node.db")}"], new Dictionary<string, string>());
        var address = await node.ReadyAsync(TimeSpan.FromSeconds(90));
        string? order = null;
        for (var i = 0; i < commands.Count; i++)
        {
            var (command, step) = (commands[i], Tour[i]);
            Assert.True(command.Contains(step.Finds, StringComparison.Ordinal), $"Command {i + 1} of the tour should be the one with '{step.Finds}': {command}");
            var (status, body) = await RunAsync(command, address);
            if (step.UntilTrue)
            {
                // "a few seconds later": asked again, as a person would, until it holds (the write queue's retry).
                var asked = Stopwatch.StartNew();
                while (!Holds(step, status, body) && asked.Elapsed < TimeSpan.FromSeconds(60))
                {
                    await Task.Delay(500);
                    (status, body) = await RunAsync(command, address);
                }
            }
            Console.WriteLine($"tour {i + 1}: {status} {(body.Length > 300 ? body[..300] + "..." : body)}");
            Assert.True(status == step.Status, $"Command {i + 1} answered {status}, not {step.Status}: {command}\n{body}\nNode output:\n{Tail(node.Output)}");
            step.Check(Json(body), body);
            if (step.Finds == "/shop/checkout")
            {
                // "again: the same order"
                order = JsonDocument.Parse(body).RootElement.GetProperty("orderId").GetString();
                var (again, second) = await RunAsync(command, address);
                Assert.True(again is 200 or 202, $"The checkout again answered {again}: {second}");
                Assert.Equal(order, JsonDocument.Parse(second).RootElement.GetProperty("orderId").GetString());
            }
        }
        // The order the tour placed while payments hung was paid once it was healed.
        var (_, paid) = await RunAsync($"curl localhost:5080/shop/orders/{order}", address);
        Assert.Equal("paid", JsonDocument.Parse(paid).RootElement.GetProperty("status").GetString());
    }

    private static bool Holds(Step step, int status, string body)
    {
        if (status != step.Status) return false;
        try
        {
            step.Check(Json(body), body);
            return true;
        }
        catch (Xunit.Sdk.XunitException)
        {
            return false;
        }
    }

    /// <summary>The tour's commands: the lines of the block, without blank lines and comments.</summary>
    private static List<string> Commands()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "README.md"));
        var start = Array.IndexOf(lines, "<!-- tour:commands -->");
        var end = Array.IndexOf(lines, "<!-- /tour:commands -->");
        Assert.True(start >= 0 && end > start, "README.md has no <!-- tour:commands --> block");
        return lines[(start + 1)..end].Where(l => !l.StartsWith("```", StringComparison.Ordinal) && l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).ToList();
    }

    /// <summary>Runs <paramref name="command"/> with bash as written, with curl writing the body to a file and printing the status.</summary>
    private async Task<(int Status, string Body)> RunAsync(string command, Uri node)
    {
        var body = Path.Combine(_data.FullName, "body");
        File.Delete(body);
        var script = $"curl() {{ command curl --silent --show-error --max-time {CommandLimit.TotalSeconds:0} --output \"$TOUR_BODY\" --write-out '%{{http_code}}' \"$@\"; }}\n" +
            command.Replace("localhost:5080", $"{node.Host}:{node.Port}", StringComparison.Ordinal) + "\n";
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        info.Environment["TOUR_BODY"] = body;
        using var bash = Process.Start(info)!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(CommandLimit + TimeSpan.FromSeconds(30));
        await bash.WaitForExitAsync(limit.Token);
        Assert.True(bash.ExitCode == 0, $"bash -c '{command}' exited {bash.ExitCode}: {await errors}");
        return (int.Parse((await output).Trim(), System.Globalization.CultureInfo.InvariantCulture), File.Exists(body) ? await File.ReadAllTextAsync(body) : "");
    }

    private static JsonElement? Json(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Tail(string output) => output.Length <= 4000 ? output : output[^4000..];

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // the node's files, held by a process that is going away
        }
    }
}
