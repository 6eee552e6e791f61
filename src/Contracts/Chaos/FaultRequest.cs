using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Contracts;

/// <summary>
/// A fault, as posted to <c>/api/faults/{dependency}</c>:
/// <c>{"kind": "error", "rate": 0.5, "durationSeconds": 30, "scope": "cluster"}</c>,
/// <c>{"kind": "latency", "latencyMs": 300, "jitterMs": 200}</c>, <c>{"kind": "hang"}</c>,
/// <c>{"kind": "result", "result": {"items": []}}</c>. Only <c>kind</c> is required.
/// </summary>
public sealed record FaultRequest(string? Kind, double? Rate, int? LatencyMs, int? JitterMs, JsonElement? Result, double? DurationSeconds, string? Scope)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private const string Fields = "kind, rate, latencyMs, jitterMs, result, durationSeconds, scope";
    private const string ObjectExpected = "The body must be a JSON object like {\"kind\": \"error\", \"rate\": 0.5, \"durationSeconds\": 30, \"scope\": \"node\"}.";

    /// <summary>Reads a body into a fault and its scope; on failure the error names the field.</summary>
    public static async Task<(Fault? Fault, FaultScope Scope, string? Error)> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        try
        {
            return Of(await JsonSerializer.DeserializeAsync<FaultRequest>(body, Json, cancellationToken).ConfigureAwait(false));
        }
        catch (JsonException e)
        {
            return (null, default, Describe(e));
        }
    }

    /// <summary>Reads a fault given as JSON text (an experiment's inject step); on failure the error names the field.</summary>
    public static (Fault? Fault, FaultScope Scope, string? Error) Read(string json)
    {
        try
        {
            return Of(JsonSerializer.Deserialize<FaultRequest>(json, Json));
        }
        catch (JsonException e)
        {
            return (null, default, Describe(e));
        }
    }

    private static (Fault?, FaultScope, string?) Of(FaultRequest? request) => request is null ? (null, default, ObjectExpected) : request.ToFault();

    private (Fault?, FaultScope, string?) ToFault()
    {
        var errors = new List<string>();
        FaultKind kind = default;
        if (Kind is null) errors.Add($"kind is required: one of {Names<FaultKind>()}.");
        else if (!EnumNames.TryParse(Kind, out kind))
            errors.Add($"kind must be one of {Names<FaultKind>()}, not '{Kind}'.");
        var scope = FaultScope.Node;
        if (Scope is not null && !EnumNames.TryParse(Scope, out scope))
            errors.Add($"scope must be one of {Names<FaultScope>()}, not '{Scope}'.");
        if (LatencyMs is < 0) errors.Add($"latencyMs must be 0 or more, not {LatencyMs}.");
        if (JitterMs is < 0) errors.Add($"jitterMs must be 0 or more, not {JitterMs}.");
        if (DurationSeconds is { } d && (double.IsNaN(d) || d <= 0 || d > TimeSpan.FromDays(1).TotalSeconds))
            errors.Add($"durationSeconds must be above 0 and at most 86400, not {d}.");
        if (errors.Count > 0) return (null, scope, string.Join(" ", errors));
        var fault = new Fault(kind)
        {
            Rate = Rate ?? 1,
            Latency = TimeSpan.FromMilliseconds(LatencyMs ?? 0),
            Jitter = TimeSpan.FromMilliseconds(JitterMs ?? 0),
            Result = Result is { ValueKind: not JsonValueKind.Null } r ? r.Clone() : null,
            Duration = DurationSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        };
        // The fault's own rules (rate, which fields go with which kind), named as the API names them.
        var rules = fault.GetErrors(TimeSpan.FromDays(1))
            .Select(e => e.Replace("Rate must", "rate must").Replace("Latency and Jitter are", "latencyMs and jitterMs are")
                .Replace("A Latency fault needs a Latency or a Jitter", "A latency fault needs latencyMs or jitterMs").Replace("Result is for", "result is for"))
            .ToList();
        return rules.Count > 0 ? (null, scope, string.Join(" ", rules)) : (fault, scope, null);
    }

    private static string Names<T>() where T : struct, Enum => string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));

    private static string Describe(JsonException e)
    {
        if (e.InnerException is JsonException syntax) return $"The body is not valid JSON: {syntax.Message}";
        var field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
        return field switch
        {
            null when e.Path == "$" => ObjectExpected,
            "kind" or "scope" => $"{field} must be a string.",
            "rate" => "rate must be a number in (0, 1].",
            "latencyMs" or "jitterMs" => $"{field} must be a whole number of milliseconds.",
            "durationSeconds" => "durationSeconds must be a number of seconds.",
            _ when e.Message.Contains("could not be mapped", StringComparison.Ordinal) =>
                $"The body has an unknown field '{field ?? e.Path}'; known fields: {Fields}.",
            _ => $"The body is not valid JSON for a fault: {e.Message}",
        };
    }
}
