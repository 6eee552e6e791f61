using System.Net;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Node.Tests;

/// <summary>A node whose experiment reports go to a folder of the test's own.</summary>
public sealed class ExperimentNodeFixture : NodeFixture
{
    public string ReportsDirectory { get; } = Path.Combine(Path.GetTempPath(), $"orchestrator-reports-{Guid.NewGuid():N}");

    protected override string[] ExtraArgs => [$"--Experiments:ReportsDirectory={ReportsDirectory}"];
}

/// <summary>
/// The built-in experiments (experiments/ at the repository's root, beside the node's binaries) run against a real
/// node through POST /api/experiments/run, and hold; the broken variant aborts on its own, naming the probe and when.
/// Alone (no other test runs meanwhile): an experiment's probes judge latency and answers over seconds, which the other
/// process tests' load on a two-core machine would disturb (payments-timeout failed that way once under CI's load).
/// </summary>
[Collection(nameof(ExperimentCommandCollection))]
public sealed class ExperimentTests(ExperimentNodeFixture node) : IClassFixture<ExperimentNodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    private async Task<JsonElement> RunAsync(string? name = null, string? document = null, int expected = 200)
    {
        using var response = await node.OperatorAsync(HttpMethod.Post, "/api/experiments/run" + (name is null ? "" : $"?name={name}"), document ?? "");
        using var body = await NodeFixture.Read(response, expected);
        return body.RootElement.Clone();
    }

    [Fact]
    public async Task The_stored_experiments_are_the_built_ins()
    {
        using var list = await node.GetJsonAsync("/api/experiments");
        var experiments = list.RootElement.GetProperty("experiments").EnumerateArray().ToList();
        Assert.Equal(["node-killed", "payments-timeout", "profile-down", "recommendations-down", "severe-stress"], experiments.Select(e => e.GetProperty("name").GetString()));
        Assert.Equal(3, experiments[0].GetProperty("nodes").GetInt32());
        Assert.All(experiments.Skip(1), e => Assert.Equal(1, e.GetProperty("nodes").GetInt32()));
        Assert.All(experiments, e =>
        {
            Assert.Equal(JsonValueKind.Null, e.GetProperty("error").ValueKind);
            Assert.False(string.IsNullOrEmpty(e.GetProperty("title").GetString()));
        });
    }

    /// <remarks>
    /// Through the API, in this test process, only the built-in without a metric probe: the meter is process-wide, so
    /// the other test nodes' calls would count in a metric probe here. The others run as their own processes
    /// (<see cref="ExperimentCommandTests"/>), as on a real node.
    /// </remarks>
    [Fact]
    public async Task The_payments_timeout_experiment_holds_against_the_node_and_its_report_is_written()
    {
        var answer = await RunAsync("payments-timeout");
        var report = answer.GetProperty("report");
        Assert.True(report.GetProperty("verdict").GetString() == "held", report.GetProperty("reason").GetString());
        Assert.All(report.GetProperty("steps").EnumerateArray(), s => Assert.True(s.GetProperty("ok").GetBoolean(), s.GetProperty("detail").GetString()));
        Assert.Contains(report.GetProperty("phases").EnumerateArray(), p => p.GetProperty("name").GetString() == "method");
        Assert.Contains(report.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "inject");
        var markdown = answer.GetProperty("markdownReport").GetString()!;
        Assert.StartsWith(node.ReportsDirectory, markdown);
        Assert.Contains("**Verdict: held**", await File.ReadAllTextAsync(markdown));
        Assert.Contains("gantt", await File.ReadAllTextAsync(markdown));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(answer.GetProperty("jsonReport").GetString()!));
        Assert.Equal("held", json.RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task The_broken_variant_aborts_on_its_own_naming_the_failed_probe_and_when_and_rolls_back()
    {
        var document = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "experiments", "broken", "profile-and-replica-down.json"));
        var report = (await RunAsync(document: document)).GetProperty("report");
        Assert.Equal("aborted", report.GetProperty("verdict").GetString());
        Assert.Equal("the homepage answers 200", report.GetProperty("failedProbe").GetString());
        var failedAt = report.GetProperty("failedAtMs").GetInt64();
        Assert.InRange(failedAt, 1, 15_000); // well before the method's 20 s wait ended: it stopped itself
        Assert.True(report.GetProperty("durationMs").GetInt64() < 15_000);
        Assert.Contains("answered 503", report.GetProperty("reason").GetString());
        // The report names the value that broke it, against the tolerance, and the dependencies in trouble then.
        Assert.Equal(1, report.GetProperty("failedNode").GetInt32());
        Assert.Contains("requests passed", report.GetProperty("failedValue").GetString());
        Assert.Contains("allowed: at least 100%", report.GetProperty("failedValue").GetString());
        var dependencies = report.GetProperty("dependencies").EnumerateArray().Select(d => d.GetString()!).ToList();
        Assert.Contains(dependencies, d => d.StartsWith("profile (", StringComparison.Ordinal) && d.Contains("fault: ", StringComparison.Ordinal));
        Assert.Contains(dependencies, d => d.StartsWith("profile-replica (", StringComparison.Ordinal) && d.Contains("fault: ", StringComparison.Ordinal));
        Assert.Contains("Dependencies in trouble then: ", report.GetProperty("reason").GetString());
        // Rolled back: neither store keeps its fault, and the homepage is served again.
        Assert.Equal(JsonValueKind.Null, (await node.DependencyStatusAsync("profile")).GetProperty("fault").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await node.DependencyStatusAsync("profile-replica")).GetProperty("fault").ValueKind);
        (await node.GetJsonAsync($"/shop/home/{NodeFixture.NewUser()}")).Dispose();
    }

    [Fact]
    public async Task A_run_refuses_to_start_while_a_fault_it_did_not_inject_is_active_naming_it_and_leaves_it_alone()
    {
        (await node.OperatorAsync(HttpMethod.Post, "/api/faults/payments", """{"kind": "hang", "durationSeconds": 300}""")).EnsureSuccessStatusCode();
        var error = (await RunAsync("payments-timeout", expected: 409)).GetProperty("error").GetString()!;
        Assert.Contains("It did not start: 1 fault(s) it did not inject are active: payments: ", error);
        Assert.Contains("DELETE /api/faults/payments?scope=cluster", error);
        // Nothing ran: its rollbacks (which clear payments) did not touch the fault that was there before it.
        Assert.NotEqual(JsonValueKind.Null, (await node.DependencyStatusAsync("payments")).GetProperty("fault").ValueKind);
        (await node.OperatorDeleteAsync("/api/faults/payments")).EnsureSuccessStatusCode();

        // The demo's stand-in services count too: their chaos is a fault the run did not inject.
        (await node.OperatorAsync(HttpMethod.Post, "/api/demo/services/recommendations", """{"outage": true}""")).EnsureSuccessStatusCode();
        error = (await RunAsync("payments-timeout", expected: 409)).GetProperty("error").GetString()!;
        Assert.Contains("recommendations's stand-in service: outage (DELETE /api/demo/services/recommendations)", error);
    }

    [Theory]
    [InlineData("""{"title": "x"}""", "steadyState.probes needs at least one probe")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "http": {"path": "http://elsewhere/"}}]}, "method": [{"wait": {"seconds": 1}}]}""", "must be a path on the node")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "http": {"path": "/"}}]}, "method": [{"wait": {"seconds": 900}}]}""", "at most 600")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "http": {"path": "/"}}]}, "method": [{"inject": {"dependency": "payments", "fault": {"kind": "boom"}}}]}""", "method[0].inject.fault: kind must be one of")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "http": {"path": "/"}}]}, "method": [{"wait": {"seconds": 1}, "clear": {"dependency": "a"}}]}""", "method[0] needs exactly one of")]
    [InlineData("""{"title": "x", "nodes": 9, "steadyState": {"probes": [{"name": "p", "http": {"path": "/"}}]}, "method": [{"wait": {"seconds": 1}}]}""", "nodes must be between 1 and 5, not 9")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "node": 2, "http": {"path": "/"}}]}, "method": [{"wait": {"seconds": 1}}]}""", "steadyState.probes[0].node is 2, but the experiment runs against one node")]
    [InlineData("""{"title": "x", "nodes": 2, "steadyState": {"probes": [{"name": "p", "http": {"path": "/"}}]}, "method": [{"node": 3, "kill": true}]}""", "method[0].node must be between 1 and 2, not 3")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "http": {"path": "/"}}]}, "method": [{"kill": false}]}""", "method[0].kill must be true")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "http": {"path": "/"}}]}, "method": [{"kill": true}]}""", "a kill needs an experiment of several nodes")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "http": {"path": "/"}}]}, "method": [{"http": {"method": "POST", "path": "/api/Node/x/../%6Bill/?now"}}]}""", "kills the node; use a kill step")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "http": {"path": "/"}}]}, "method": [{"load": {"method": "POST", "path": "/api//node/kill", "concurrency": 1, "seconds": 1}}]}""", "kills the node; use a kill step")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "http": {"path": "/"}}]}, "method": [{"http": {"path": "/", "capture": {"n": "a..b"}}}]}""", "capture.n: the property path has an empty part")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "http": {"path": "/"}}]}, "method": [{"wait": {"seconds": 1}}], "rollbacks": [{"kill": true}]}""", "a rollback cannot kill a node")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "http": {"path": "/"}}]}, "method": [{"load": {"path": "/", "concurrency": 0, "seconds": 5}}]}""", "method[0].load.concurrency must be between 1 and 100, not 0")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "http": {"path": "/"}}]}, "method": [{"load": {"path": "//elsewhere", "concurrency": 1, "seconds": 5}}]}""", "method[0].load.path must be a path on the node")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "http": {"path": "/"}}]}, "method": [{"load": {"path": "/", "concurrency": 100, "seconds": 5}}, {"load": {"path": "/", "concurrency": 100, "seconds": 5}}, {"load": {"path": "/", "concurrency": 1, "seconds": 5}}]}""", "The loads have 201 callers in all; at most 200")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "http": {"path": "/", "json": {"#.a": 1}}}]}, "method": [{"wait": {"seconds": 1}}]}""", "may count ('#') only in its last part")]
    [InlineData("""{"title": "x", "steadyState": {"probes": [{"name": "p", "http": {"path": "/", "json": {"items.[name]": 1}}}]}, "method": [{"wait": {"seconds": 1}}]}""", "which is not [key=value]")]
    [InlineData("""{"title": "x", "colour": 1}""", "an unknown field")]
    [InlineData("""{"title": """, "not valid JSON")]
    public async Task A_bad_experiment_is_400_naming_the_problem(string document, string expected)
    {
        var error = await RunAsync(document: document, expected: 400);
        Assert.Contains(expected, error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_experiment_of_several_nodes_is_400_over_http_pointing_to_the_command_line()
    {
        var error = await RunAsync(name: "node-killed", expected: 400);
        Assert.Contains("runs against 3 nodes", error.GetProperty("error").GetString());
        Assert.Contains("--target URL for each node", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unknown_stored_experiment_is_404()
    {
        var error = await RunAsync(name: "nope", expected: 404);
        Assert.Contains("'nope'", error.GetProperty("error").GetString());
        using var response = await node.Http.PostAsync("/api/experiments/run?name=recommendations-down", new StringContent("", Encoding.UTF8, "text/plain"));
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode); // an operator endpoint: not a plain form post
    }
}

/// <summary>
/// The built-in experiments with metric probes, each run by the command line on a node of its own (a process of its
/// own, as in production: its metrics are its own calls) or, for an experiment of several nodes, on a cluster of node
/// processes it starts, must hold and write their reports: to <c>artifacts/experiment-reports/{name}</c> at the
/// repository's root, which a CI run keeps. Alone (no other test runs meanwhile): their loads would slow the others,
/// and the others their loads.
/// </summary>
[Collection(nameof(ExperimentCommandCollection))]
public sealed class ExperimentCommandTests
{
    [Theory]
    [InlineData("recommendations-down")]
    [InlineData("profile-down")]
    [InlineData("severe-stress")]
    [InlineData("node-killed")]
    public async Task A_built_in_experiment_holds_and_writes_its_report(string name)
    {
        var reports = new DirectoryInfo(Path.Combine(RepositoryRoot.Path, "artifacts", "experiment-reports", name));
        if (reports.Exists) reports.Delete(recursive: true);
        reports.Create();
        using var run = NodeProcess.Start(["experiment", "run", Path.Combine(RepositoryRoot.Path, "experiments", name + ".json"), "--reports", reports.FullName],
            new Dictionary<string, string>());
        var code = await run.ExitCodeAsync(TimeSpan.FromSeconds(240));
        Assert.True(code == 0, $"exit {code}:\n{run.Output}");
        Assert.Contains("Verdict: held", run.Output);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Assert.Single(reports.GetFiles("*.json")).FullName));
        Assert.Equal("held", report.RootElement.GetProperty("verdict").GetString());
        var metrics = report.RootElement.GetProperty("probes").EnumerateArray()
            .Where(p => p.GetProperty("phase").GetString() == "method" && p.GetProperty("calls").ValueKind == JsonValueKind.Number).ToList();
        Assert.NotEmpty(metrics);
        Assert.All(metrics, m => Assert.True(m.GetProperty("calls").GetInt64() > 0)); // the hypothesis was read from real calls
        var steps = report.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.All(steps, s => Assert.True(s.GetProperty("ok").GetBoolean(), s.GetProperty("detail").GetString()));
        if (name == "node-killed")
        {
            Assert.Equal(3, report.RootElement.GetProperty("targets").GetArrayLength());
            Assert.Contains(steps, s => s.GetProperty("kind").GetString() == "kill");
        }
        if (name == "severe-stress") Assert.Contains(steps, s => s.GetProperty("kind").GetString() == "load" && s.GetProperty("detail").GetString()!.Contains("200 x"));
        Assert.Contains("**Verdict: held**", await File.ReadAllTextAsync(Assert.Single(reports.GetFiles("*.md")).FullName));
    }
}

[CollectionDefinition(nameof(ExperimentCommandCollection), DisableParallelization = true)]
public sealed class ExperimentCommandCollection;
