using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orchestrator.Experiments;

// The experiment runner: HTTP to the nodes under test, metrics read back, and the text helpers.
public sealed partial class ExperimentRunner
{
    private async Task<(bool Passed, double Ms, string Detail)> RequestAsync(int node, HttpCheck check, bool capture, CancellationToken ct)
    {
        var method = new HttpMethod((check.Method ?? "GET").ToUpperInvariant());
        var path = Substitute(check.Path!);
        var body = check.Body is { } b ? Substitute(b.GetRawText()) : null;
        var watch = Stopwatch.StartNew();
        var (status, text) = await SendAsync(node, method, path, body, ct);
        var ms = watch.Elapsed.TotalMilliseconds;
        var expected = check.Status ?? [200];
        if (!expected.Contains(status)) return (false, ms, $"{method} {path} answered {status}, not {string.Join(" or ", expected)}: {Shorten(text)}");
        if (check.Json is null && check.Capture is null) return (true, ms, $"{method} {path} answered {status} in {ms:0} ms");
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return (false, ms, $"{method} {path} answered {status} with a body that is not JSON: {Shorten(text)}");
        }
        foreach (var (property, want) in check.Json ?? new Dictionary<string, JsonElement>())
        {
            var got = JsonPath.Find(root, property);
            var allowed = want.ValueKind == JsonValueKind.Array ? want.EnumerateArray().ToList() : [want];
            if (got is not { } value || !allowed.Any(a => JsonEquals(a, value)))
                return (false, ms, $"{method} {path}: {property} is {got?.GetRawText() ?? "missing"}, not {want.GetRawText()}");
        }
        if (capture)
        {
            foreach (var (variable, property) in check.Capture ?? new Dictionary<string, string>())
            {
                if (JsonPath.Find(root, property) is not { ValueKind: JsonValueKind.String or JsonValueKind.Number } value || !SafeValue().IsMatch(value.ToString()))
                    return (false, ms, $"{method} {path}: cannot capture {variable} from {property}");
                _variables[variable] = value.ToString();
            }
        }
        return (true, ms, $"{method} {path} answered {status} in {ms:0} ms as expected");
    }

    private async Task<(int Status, string Body)> SendAsync(int node, HttpMethod method, string path, string? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(targets[node - 1], path));
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        else if (method != HttpMethod.Get) request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(RequestLimit);
        try
        {
            using var response = await http.SendAsync(request, limit.Token);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(limit.Token));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return (0, $"no answer: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>A read-only view of the latest /metrics: guarded calls answered (a value, or the dependency's refusal of the caller's request), and all but those their callers cancelled, for the probe's tier or dependency.</summary>
    private async Task<(double Success, double Total)?> MetricAsync(int node, MetricCheck metric, CancellationToken ct)
    {
        var (status, text) = await SendAsync(node, HttpMethod.Get, NodePaths.Metrics, null, ct);
        if (status != 200) return null;
        double success = 0, total = 0;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith("orchestrator_calls_total{", StringComparison.Ordinal)) continue;
            var close = line.LastIndexOf('}');
            var labels = CallLabels().Matches(line[..close]).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
            if (metric.Tier is { } tier && !string.Equals(labels.GetValueOrDefault("tier"), tier, StringComparison.OrdinalIgnoreCase)) continue;
            if (metric.Dependency is { } dependency && labels.GetValueOrDefault("dependency") != dependency) continue;
            // A call whose caller went away (cancelled) is neither an answer nor a failure to answer.
            if (labels.GetValueOrDefault("reason") == "Cancelled") continue;
            if (!double.TryParse(line[(close + 1)..].Trim().Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) continue;
            total += value;
            if (labels.GetValueOrDefault("outcome") is "Succeeded" or "Fallback" or "Refused") success += value; // a refusal is an answer (the caller's error)
        }
        return (success, total);
    }

    private static string ScopeOf(JsonElement fault) =>
        fault.TryGetProperty("scope", out var scope) && scope.ValueKind == JsonValueKind.String ? scope.GetString()!.ToLowerInvariant() : "node";

    private static bool JsonEquals(JsonElement a, JsonElement b) => a.ValueKind switch
    {
        JsonValueKind.Number => b.ValueKind == JsonValueKind.Number && a.GetDouble() == b.GetDouble(),
        JsonValueKind.String => b.ValueKind == JsonValueKind.String && a.GetString() == b.GetString(),
        _ => a.GetRawText() == b.GetRawText(),
    };

    private string Substitute(string text) =>
        _variables.IsEmpty ? text : Variable().Replace(text, m => _variables.GetValueOrDefault(m.Groups[1].Value) ?? m.Value);

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    private void Event(string kind, string detail)
    {
        lock (_lock) _events.Add(new ReportEvent(Now, kind, detail));
    }

    [GeneratedRegex(@"\$\{([A-Za-z0-9]{1,40})\}")]
    private static partial Regex Variable();

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,200}$")]
    private static partial Regex SafeValue();

    [GeneratedRegex("([a-z_]+)=\"([^\"]*)\"")]
    private static partial Regex CallLabels();
}
