using System.Text.Json;
using Orchestrator.Bench.Scenarios;
using Orchestrator.Bench.Scenarios.Definitions;

namespace Orchestrator.Bench.Tests;

/// <summary>
/// Runs every scenario with <c>--quick</c> through the runner's entry and checks that each produced well-formed
/// results for all three ways. Timings are measured by the runner, never asserted here.
/// </summary>
public sealed class ScenarioRunnerSmokeTests : IDisposable
{
    private static readonly string[] Ways = ["None", "Polly", "Orchestrator"];
    private readonly string _output = Path.Combine(Path.GetTempPath(), $"scenario-smoke-{Guid.NewGuid():N}");

    [Fact]
    public async Task Every_scenario_runs_quickly_the_three_ways_and_writes_well_formed_results()
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
            }
            Assert.True(File.Exists(Path.Combine(_output, $"{name}-goodput.png")), $"{name}: no chart");
            if (definition.Flood is not null) Assert.True(File.Exists(Path.Combine(_output, $"{name}-level.png")), $"{name}: no level chart");
        }
        var table = await File.ReadAllTextAsync(Path.Combine(_output, "scenarios.md"));
        foreach (var name in ScenarioCatalog.Names) Assert.Contains($"### {name}", table);
        foreach (var way in Ways) Assert.Contains($"| {way} |", table);
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
