using System.Text.Json;
using Orchestrator.Bench.Scenarios;
using Orchestrator.Bench.Scenarios.Definitions;
using Orchestrator.Bench.Scenarios.Ways;

namespace Orchestrator.Bench.Tests;

/// <summary>
/// Runs every scenario with <c>--quick</c> through the runner's entry and checks that each produced well-formed
/// results for all its ways (the three, and a scenario's own: the flood's, the hedging ones). Timings are measured by
/// the runner, never asserted here.
/// </summary>
public sealed class ScenarioRunnerSmokeTests : IDisposable
{
    private static readonly string[] Ways = ["None", "Polly", "Orchestrator", "PollyHedging", "OrchestratorHedging", "OrchestratorHedgingP90"];
    private readonly string _output = Path.Combine(Path.GetTempPath(), $"scenario-smoke-{Guid.NewGuid():N}");

    [Fact]
    public async Task Every_scenario_runs_quickly_its_ways_and_writes_well_formed_results()
    {
        var console = new StringWriter();
        var errors = new StringWriter();

        var exit = await ScenarioRunner.MainAsync(["all", "--quick", "--out", _output], console, errors);

        Assert.True(exit == 0, errors.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "scenarios.json")));
        var scenarios = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(ScenarioCatalog.Names, scenarios.Select(s => s.GetProperty("scenario").GetString()));
        foreach (var scenario in scenarios)
        {
            var name = scenario.GetProperty("scenario").GetString();
            var definition = ScenarioCatalog.Find(name!)!;
            var ways = scenario.GetProperty("ways").EnumerateArray().ToList();
            Assert.Equal(definition.Ways.Select(w => w.ToString()), ways.Select(w => w.GetProperty("way").GetString()));
            foreach (var way in ways)
            {
                Assert.True(way.GetProperty("requests").GetInt64() > 0, $"{name}: no requests sent");
                Assert.InRange(way.GetProperty("goodputOfOffered").GetDouble(), 0, 1);
                Assert.InRange(way.GetProperty("criticalSuccess").GetDouble(), 0, 1);
                Assert.InRange(way.GetProperty("degradedShare").GetDouble() + way.GetProperty("failedShare").GetDouble(), 0, 1.0001);
                Assert.Equal(["Critical", "Important", "Optional"], way.GetProperty("tiers").EnumerateArray().Select(t => t.GetProperty("tier").GetString()));
                Assert.NotEmpty(way.GetProperty("timeline").EnumerateArray());
                Assert.Equal(definition.HasFault, way.GetProperty("faultyCalls").ValueKind == JsonValueKind.Object);
                // A flood's bad requests are reported on their own, and the orchestrator's level over the run.
                Assert.Equal(definition.Flood is not null, way.GetProperty("flood").ValueKind == JsonValueKind.Object);
                if (definition.Flood is not null) Assert.True(way.GetProperty("flood").GetProperty("requests").GetInt64() > 0, $"{name}: no bad requests sent");
                var isOrchestrator = way.GetProperty("way").GetString()!.StartsWith("Orchestrator", StringComparison.Ordinal);
                Assert.Equal(isOrchestrator, way.GetProperty("levels").ValueKind == JsonValueKind.Array);
                // Only a hedging way reports hedges.
                var kind = Enum.Parse<ProtectionKind>(way.GetProperty("way").GetString()!);
                Assert.Equal(kind.Hedges(), way.GetProperty("hedging").ValueKind == JsonValueKind.Object);
                if (kind.Hedges()) AssertHedged(name!, kind, way);
            }
            Assert.True(File.Exists(Path.Combine(_output, $"{name}-goodput.png")), $"{name}: no chart");
            Assert.True(File.Exists(Path.Combine(_output, $"{name}-p99.png")), $"{name}: no p99 chart");
            if (definition.Flood is not null) Assert.True(File.Exists(Path.Combine(_output, $"{name}-level.png")), $"{name}: no level chart");
        }
        var table = await File.ReadAllTextAsync(Path.Combine(_output, "scenarios.md"));
        foreach (var name in ScenarioCatalog.Names) Assert.Contains($"### {name}", table);
        foreach (var way in Ways) Assert.Contains($"| {way} |", table);
        Assert.Contains("Hedging: the requests to 'search'", table);
    }

    /// <summary>
    /// A hedging way: its calls were made and answered, and what it says of its hedges holds together. Whether it
    /// hedged is not asserted here: in a quick run a pause of the test process (a second is seen when other test
    /// classes run beside it) can leave the spike's window without calls. <see cref="HedgingWaysTests"/> checks that.
    /// </summary>
    private static void AssertHedged(string scenario, ProtectionKind kind, JsonElement way)
    {
        var requests = way.GetProperty("requests").GetInt64();
        var hedging = way.GetProperty("hedging");
        Assert.True(requests - way.GetProperty("unanswered").GetInt64() > 0, $"{scenario} / {kind}: no request answered");
        Assert.True(way.GetProperty("goodputOfOffered").GetDouble() > 0, $"{scenario} / {kind}: no request succeeded");
        var hedges = hedging.GetProperty("hedges").GetInt64();
        Assert.True(hedges >= 0, $"{scenario} / {kind}: {hedges} hedges");
        Assert.InRange(way.GetProperty("faultyCalls").GetProperty("hedges").GetInt64(), 0, hedges);
        Assert.InRange(hedging.GetProperty("hedgedShare").GetDouble(), 0, 1);
        Assert.InRange(hedging.GetProperty("answeredByHedge").GetInt64(), 0, Math.Min(hedges, requests));
    }

    [Fact]
    public async Task Merge_puts_a_scenario_into_the_results_there_and_keeps_the_others_as_they_were()
    {
        Assert.Equal(0, await ScenarioRunner.MainAsync(["overload,recovery", "--quick", "--no-plots", "--out", _output], new StringWriter(), new StringWriter()));
        var json = Path.Combine(_output, "scenarios.json");
        var markdown = Path.Combine(_output, "scenarios.md");
        var recoveryBefore = Section(await File.ReadAllTextAsync(markdown), "recovery");
        var jsonBefore = JsonDocument.Parse(await File.ReadAllTextAsync(json)).RootElement.EnumerateArray().Select(e => e.GetRawText()).ToList();

        var errors = new StringWriter();
        Assert.Equal(0, await ScenarioRunner.MainAsync(["overload,outage", "--quick", "--no-plots", "--merge", "--out", _output], new StringWriter(), errors));

        Assert.Equal("", errors.ToString());
        var merged = JsonDocument.Parse(await File.ReadAllTextAsync(json)).RootElement.EnumerateArray().ToList();
        // overload replaced in its place, recovery kept as it was, outage added after them.
        Assert.Equal(["overload", "recovery", "outage"], merged.Select(e => e.GetProperty("scenario").GetString()));
        Assert.Equal(jsonBefore[1], merged[1].GetRawText());
        var text = await File.ReadAllTextAsync(markdown);
        Assert.Equal(recoveryBefore, Section(text, "recovery"));
        Assert.Equal(3, text.Split("\n### ").Length - 1);
        Assert.StartsWith("Scenario results: a quick run", text);
    }

    [Fact]
    public async Task Merge_refuses_results_of_another_kind_of_run_before_running_anything()
    {
        Directory.CreateDirectory(_output);
        var markdown = Path.Combine(_output, "scenarios.md");
        await File.WriteAllTextAsync(markdown, "Scenario results: a full run on 64 cores.\n");
        var errors = new StringWriter();

        var exit = await ScenarioRunner.MainAsync(["overload", "--quick", "--merge", "--out", _output], new StringWriter(), errors);

        Assert.Equal(ScenarioRunner.BadArguments, exit);
        Assert.Contains("not merging", errors.ToString());
        Assert.Equal("Scenario results: a full run on 64 cores.\n", await File.ReadAllTextAsync(markdown));
        Assert.False(File.Exists(Path.Combine(_output, "scenarios.json")));
    }

    /// <summary>A scenario's section of scenarios.md: from its heading to the next one.</summary>
    private static string Section(string markdown, string name)
    {
        var start = markdown.IndexOf($"### {name}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section {name}");
        var end = markdown.IndexOf("\n### ", start + 1, StringComparison.Ordinal);
        return end < 0 ? markdown[start..].TrimEnd() : markdown[start..end].TrimEnd();
    }

    [Fact]
    public async Task An_unknown_scenario_is_refused_by_name_with_the_valid_ones_listed()
    {
        var errors = new StringWriter();

        var exit = await ScenarioRunner.MainAsync(["meltdown", "--quick"], new StringWriter(), errors);

        Assert.Equal(ScenarioRunner.BadArguments, exit);
        Assert.Contains("Unknown scenario 'meltdown'", errors.ToString());
        foreach (var name in ScenarioCatalog.Names) Assert.Contains(name, errors.ToString());
        Assert.False(Directory.Exists(_output));
    }

    public void Dispose()
    {
        if (Directory.Exists(_output)) Directory.Delete(_output, recursive: true);
    }
}
