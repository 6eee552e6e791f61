using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Bench.Scenarios.Measurement;

namespace Orchestrator.Bench.Scenarios.Reporting;

/// <summary>The results as indented JSON, enums as names.</summary>
public static class JsonReport
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Render(IReadOnlyList<ScenarioResult> results) => JsonSerializer.Serialize(results, Options);
}
