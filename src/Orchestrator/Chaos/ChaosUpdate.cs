using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Node.Chaos;

/// <summary>
/// A change to a service's chaos, as posted to <c>/api/demo/services/{dependency}</c>: every field is optional, and
/// those given replace the current values (<c>{"errorRate": 0.5, "latencyMs": 300, "outage": true, "failEveryNth": 2}</c>).
/// </summary>
public sealed record ChaosUpdate(double? ErrorRate, int? LatencyMs, bool? Outage, int? FailEveryNth = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private const string ObjectExpected =
        "The body must be a JSON object like {\"errorRate\": 0.5, \"latencyMs\": 300, \"outage\": true, \"failEveryNth\": 2}.";

    /// <summary>The settings after this change.</summary>
    public ChaosSettings ApplyTo(ChaosSettings current) => new(
        ErrorRate ?? current.ErrorRate,
        LatencyMs ?? current.LatencyMs,
        Outage ?? current.Outage,
        FailEveryNth ?? current.FailEveryNth);

    /// <summary>Every problem with the values, naming the field; empty when valid.</summary>
    public IReadOnlyList<string> GetErrors()
    {
        var errors = new List<string>();
        if (ErrorRate is { } r && (double.IsNaN(r) || r < 0 || r > 1))
            errors.Add($"errorRate must be between 0 and 1, not {r}.");
        if (LatencyMs is { } l && (l < 0 || l > ChaosSettings.MaxLatencyMs))
            errors.Add($"latencyMs must be between 0 and {ChaosSettings.MaxLatencyMs}, not {l}.");
        if (FailEveryNth is { } n && (n < 0 || n > ChaosSettings.MaxFailEveryNth))
            errors.Add($"failEveryNth must be between 0 (off) and {ChaosSettings.MaxFailEveryNth}, not {n}.");
        return errors;
    }

    /// <summary>Reads and validates a JSON body; on failure <paramref name="error"/> says why and the result is null.</summary>
    public static async Task<(ChaosUpdate? Update, string? Error)> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        ChaosUpdate? update;
        try
        {
            update = await JsonSerializer.DeserializeAsync<ChaosUpdate>(body, Json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return (null, Describe(e));
        }
        if (update is null) return (null, ObjectExpected);
        var errors = update.GetErrors();
        return errors.Count > 0 ? (null, string.Join(" ", errors)) : (update, null);
    }

    private static string Describe(JsonException e)
    {
        // The reader's own errors (broken syntax) come wrapped; conversion errors (a wrong type) do not.
        if (e.InnerException is JsonException syntax)
            return $"The body is not valid JSON: {syntax.Message}";
        var field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
        return field switch
        {
            null when e.Path == "$" => ObjectExpected,
            "errorRate" => "errorRate must be a number between 0 and 1.",
            "latencyMs" => $"latencyMs must be a whole number of milliseconds between 0 and {ChaosSettings.MaxLatencyMs}.",
            "outage" => "outage must be true or false.",
            "failEveryNth" => $"failEveryNth must be a whole number between 0 (off) and {ChaosSettings.MaxFailEveryNth}.",
            _ when e.Message.Contains("could not be mapped", StringComparison.Ordinal) =>
                $"The body has an unknown field '{field ?? e.Path}'; known fields: errorRate, latencyMs, outage, failEveryNth.",
            _ => $"The body is not valid JSON for chaos settings: {e.Message}",
        };
    }
}
