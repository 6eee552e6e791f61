using System.Text.Json;

namespace Orchestrator.Experiments;

// The experiment runner: what else is going on at the nodes. Faults the run did not inject (it refuses to start over
// them), and, when the hypothesis breaks, the dependencies in trouble at that moment (named in the report).
public sealed partial class ExperimentRunner
{
    /// <summary>A dependency as a node's <c>/api/status</c> shows it: its breaker, its fault, and its trouble so far.</summary>
    private sealed record DependencyView(string Name, string Breaker, string? Fault, long Failed, long TimedOut, long Rejected);

    /// <summary>
    /// Every fault active on the nodes under test before the run injected anything: through the fault API
    /// (<c>GET /api/faults</c>) and, on the demo node, its stand-in services' chaos (<c>GET /api/demo/services</c>). A node
    /// that does not answer either is left to the probes (its steady state is checked anyway).
    /// </summary>
    private async Task<List<string>> ForeignFaultsAsync(CancellationToken ct)
    {
        var found = new List<string>();
        for (var node = 1; node <= targets.Count; node++)
        {
            var (status, body) = await SendAsync(node, HttpMethod.Get, NodePaths.Faults, null, ct);
            if (status == 200)
            {
                foreach (var dependency in Items(body, "dependencies"))
                {
                    if (!dependency.TryGetProperty("fault", out var fault) || fault.ValueKind != JsonValueKind.Object) continue;
                    var until = fault.TryGetProperty("until", out var u) && u.ValueKind == JsonValueKind.String && u.TryGetDateTimeOffset(out var end)
                        ? $", until {end.UtcDateTime:HH:mm:ss} UTC" : ", until cleared";
                    found.Add($"{Text(dependency, "dependency")}{On(node, " on ")}: {Text(fault, "description")}{until} (DELETE {NodePaths.FaultOf(Text(dependency, "dependency"))}?scope=cluster)");
                }
            }
            (status, body) = await SendAsync(node, HttpMethod.Get, NodePaths.DemoChaos, null, ct);
            if (status != 200) continue;
            foreach (var service in Items(body, "dependencies"))
            {
                if (!service.TryGetProperty("active", out var active) || active.ValueKind != JsonValueKind.True) continue;
                found.Add($"{Text(service, "dependency")}'s stand-in service{On(node, " on ")}: {DemoChaos(service)} (DELETE {NodePaths.DemoChaos}/{Text(service, "dependency")})");
            }
        }
        return found;
    }

    /// <summary>Every dependency of every node under test, as their <c>/api/status</c> shows them now (a node that does not answer: none).</summary>
    private async Task<Dictionary<int, List<DependencyView>>> DependenciesAsync()
    {
        var views = new Dictionary<int, List<DependencyView>>();
        for (var node = 1; node <= targets.Count; node++)
        {
            if (_killed.Contains(node)) continue;
            var (status, body) = await SendAsync(node, HttpMethod.Get, NodePaths.Status, null, CancellationToken.None);
            if (status != 200) continue;
            views[node] = Items(body, "dependencies").Select(d => new DependencyView(
                Text(d, "name"),
                d.TryGetProperty("breaker", out var b) ? Text(b, "state") : "?",
                d.TryGetProperty("fault", out var f) && f.ValueKind == JsonValueKind.Object ? Text(f, "description") : null,
                Count(d, "failed"), Count(d, "timedOut"), Count(d, "rejected"))).ToList();
        }
        return views;
    }

    /// <summary>
    /// The dependencies of <paramref name="node"/> in trouble now: a breaker not closed, a fault, or failures, timeouts
    /// or rejections since <paramref name="since"/> was taken; each in words, worst first.
    /// </summary>
    private async Task<List<string>> SuspectsAsync(int node, Dictionary<int, List<DependencyView>> since)
    {
        var now = await DependenciesAsync();
        if (!now.TryGetValue(node, out var views)) return [];
        var before = since.GetValueOrDefault(node)?.ToDictionary(v => v.Name, StringComparer.Ordinal) ?? [];
        var suspects = new List<(long Weight, string Text)>();
        foreach (var view in views)
        {
            var was = before.GetValueOrDefault(view.Name);
            var (failed, timedOut, rejected) = (view.Failed - (was?.Failed ?? 0), view.TimedOut - (was?.TimedOut ?? 0), view.Rejected - (was?.Rejected ?? 0));
            var signs = new List<string>();
            if (view.Breaker is not ("Closed" or "?")) signs.Add($"breaker {view.Breaker}");
            if (view.Fault is { } fault) signs.Add($"fault: {fault}");
            if (failed > 0) signs.Add($"{failed} failed");
            if (timedOut > 0) signs.Add($"{timedOut} timed out");
            if (rejected > 0) signs.Add($"{rejected} rejected");
            if (signs.Count == 0) continue;
            var weight = (view.Breaker is "Open" ? 1_000_000 : 0) + (view.Fault is null ? 0 : 100_000) + failed + timedOut + rejected;
            suspects.Add((weight, $"{view.Name} ({string.Join(", ", signs)})"));
        }
        return suspects.OrderByDescending(s => s.Weight).Select(s => s.Text).ToList();
    }

    private static string DemoChaos(JsonElement service)
    {
        var parts = new List<string>();
        if (service.TryGetProperty("outage", out var outage) && outage.ValueKind == JsonValueKind.True) parts.Add("outage");
        if (service.TryGetProperty("errorRate", out var rate) && rate.TryGetDouble(out var r) && r > 0) parts.Add($"error rate {r:0.##}");
        if (Count(service, "latencyMs") is > 0 and var latency) parts.Add($"latency {latency} ms");
        if (Count(service, "failEveryNth") is > 0 and var nth) parts.Add($"every {nth}th call fails");
        return parts.Count > 0 ? string.Join(", ", parts) : "active";
    }

    private static IEnumerable<JsonElement> Items(string json, string property)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(property, out var items) && items.ValueKind == JsonValueKind.Array
                ? items.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).Select(i => i.Clone()).ToList()
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "?";

    private static long Count(JsonElement element, string property)
    {
        if (element.TryGetProperty("calls", out var calls) && calls.ValueKind == JsonValueKind.Object && calls.TryGetProperty(property, out var counted) && counted.TryGetInt64(out var n)) return n;
        return element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var m) ? m : 0;
    }

    private string On(int node, string prefix) => targets.Count > 1 ? $"{prefix}node {node}" : "";
}
