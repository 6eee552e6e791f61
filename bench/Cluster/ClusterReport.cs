using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Bench.Cluster;

/// <summary>
/// Writes cluster.json and cluster.md. A run of one benchmark keeps the other's section from the previous
/// cluster.json, so the files always hold the latest of each.
/// </summary>
public static class ClusterReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes both files into <paramref name="directory"/> and returns the markdown.</summary>
    public static string Write(string directory, RunnerArguments arguments, PropagationResult? propagation, IReadOnlyList<WastedResult> wasted, TimeSpan elapsed,
        ProcessPropagationResult? processes = null)
    {
        Directory.CreateDirectory(directory);
        var jsonPath = Path.Combine(directory, "cluster.json");
        JsonObject root;
        try
        {
            root = File.Exists(jsonPath) ? JsonNode.Parse(File.ReadAllText(jsonPath)) as JsonObject ?? [] : [];
        }
        catch (JsonException)
        {
            root = [];
        }
        var machine = new JsonObject
        {
            ["cores"] = Environment.ProcessorCount,
            ["os"] = RuntimeInformation.OSDescription,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
            ["note"] = "three ActorSystems in one process on 127.0.0.1; the machine is shared",
        };
        if (propagation is not null)
        {
            root["propagation"] = new JsonObject
            {
                ["measuredAt"] = DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture),
                ["machine"] = machine.DeepClone(),
                ["quick"] = arguments.Quick,
                ["policy"] = "AnyOpen",
                ["trials"] = propagation.Trials,
                ["failedTrials"] = propagation.Failed,
                ["allNodesMs"] = Summary(propagation.AllNodesMs),
                ["eachFollowerMs"] = Summary(propagation.EachFollowerMs),
                ["resetAllClosedMs"] = Summary(propagation.ResetMs),
                ["allNodesSamplesMs"] = new JsonArray([.. propagation.AllNodesMs.Select(v => (JsonNode)Math.Round(v, 2))]),
            };
        }
        if (processes is not null)
        {
            root["processes"] = new JsonObject
            {
                ["measuredAt"] = DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture),
                ["machine"] = new JsonObject
                {
                    ["cores"] = Environment.ProcessorCount,
                    ["os"] = RuntimeInformation.OSDescription,
                    ["runtime"] = RuntimeInformation.FrameworkDescription,
                    ["note"] = "three node processes (src/Orchestrator, Release) on 127.0.0.1; times from the nodes' own log timestamps; the machine is shared",
                },
                ["quick"] = arguments.Quick,
                ["policy"] = "AnyOpen",
                ["dependency"] = ProcessPropagationBenchmark.Dependency,
                ["starts"] = processes.Starts,
                ["warmTrialsPerStart"] = arguments.WarmPerStart,
                ["failedTrials"] = processes.FailedTrials,
                ["coldEachFollowerMs"] = Summary(processes.ColdEachFollowerMs),
                ["coldAllNodesMs"] = Summary(processes.ColdAllNodesMs),
                ["warmEachFollowerMs"] = Summary(processes.WarmEachFollowerMs),
                ["warmAllNodesMs"] = Summary(processes.WarmAllNodesMs),
                ["upToIsolateMs"] = Summary(processes.UpToIsolateMs),
                ["coldSamplesMs"] = new JsonArray([.. processes.ColdEachFollowerMs.Select(v => (JsonNode)Math.Round(v, 2))]),
            };
        }
        if (wasted.Count > 0)
        {
            root["wasted"] = new JsonObject
            {
                ["measuredAt"] = DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture),
                ["machine"] = machine.DeepClone(),
                ["quick"] = arguments.Quick,
                ["outageSeconds"] = arguments.Outage.TotalSeconds,
                ["runs"] = new JsonArray([.. wasted.Select(w => (JsonNode)new JsonObject
                {
                    ["traffic"] = w.Traffic,
                    ["ratePerNode"] = new JsonArray([.. w.RatePerNode.Select(r => (JsonNode)r)]),
                    ["policy"] = w.Policy,
                    ["measuredOutageSeconds"] = w.OutageSeconds,
                    ["sent"] = w.Sent,
                    ["reached"] = w.Reached,
                    ["reachedPerNode"] = new JsonArray([.. w.ReachedPerNode.Select(r => (JsonNode)r)]),
                    ["reachedFirstSecond"] = w.ReachedFirstSecond,
                    ["reachedAfterFirstSecond"] = w.Reached - w.ReachedFirstSecond,
                    ["ownOpenings"] = w.OwnOpenings,
                    ["followings"] = w.Followings,
                    ["shareOfLocalOnly"] = wasted.FirstOrDefault(l => l.Traffic == w.Traffic && l.Policy == "LocalOnly")?.Reached is > 0 and var local
                        ? Math.Round((double)w.Reached / local, 3)
                        : null,
                })]),
            };
        }
        root["lastRunSeconds"] = Math.Round(elapsed.TotalSeconds, 1);
        File.WriteAllText(jsonPath, root.ToJsonString(Indented) + "\n");
        var markdown = Markdown(root);
        File.WriteAllText(Path.Combine(directory, "cluster.md"), markdown);
        return markdown;
    }

    private static JsonObject Summary(List<double> values)
    {
        if (values.Count == 0) return new JsonObject { ["count"] = 0 };
        var sorted = values.OrderBy(v => v).ToList();
        return new JsonObject
        {
            ["count"] = sorted.Count,
            ["min"] = Math.Round(sorted[0], 2),
            ["p50"] = Math.Round(Percentile(sorted, 0.50), 2),
            ["p90"] = Math.Round(Percentile(sorted, 0.90), 2),
            ["p95"] = Math.Round(Percentile(sorted, 0.95), 2),
            ["p99"] = Math.Round(Percentile(sorted, 0.99), 2),
            ["max"] = Math.Round(sorted[^1], 2),
            ["mean"] = Math.Round(sorted.Average(), 2),
        };
    }

    /// <summary>Nearest rank: the smallest value with at least <paramref name="q"/> of the values at or below it.</summary>
    private static double Percentile(List<double> sorted, double q) =>
        sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Markdown(JsonObject root)
    {
        var md = new StringBuilder();
        md.AppendLine("# Cluster benchmarks (generated)");
        md.AppendLine();
        md.AppendLine("Written by `dotnet run -c Release --project bench/Cluster -- [propagation|wasted|all|processes] [--trials N] [--quick] [--starts N] [--warm N]`; see docs/benchmarks.md, section Cluster.");
        md.AppendLine();
        if (root["propagation"] is JsonObject p)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## Propagation ({p["policy"]}, {p["trials"]} trials, {p["failedTrials"]} failed, measured {p["measuredAt"]}{(p["quick"]?.GetValue<bool>() == true ? ", quick" : "")})");
            md.AppendLine();
            md.AppendLine("| Time from the opening on one node to | n | p50 ms | p90 ms | p99 ms | max ms | mean ms |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            Row(md, "all three nodes open (the later follower)", p["allNodesMs"]);
            Row(md, "one follower open (each follower, each trial)", p["eachFollowerMs"]);
            Row(md, "reset by hand on the origin: all closed (10 ms polling)", p["resetAllClosedMs"]);
            md.AppendLine();
        }
        // "processes" is the latest run; other "processes…" sections are earlier runs kept by hand (with a label).
        foreach (var (key, node) in root.Where(e => e.Key.StartsWith("processes", StringComparison.Ordinal)).OrderBy(e => e.Key != "processes").ToList())
        {
            if (node is not JsonObject r) continue;
            var label = r["label"] is { } l ? $"{l}: " : "";
            md.AppendLine(CultureInfo.InvariantCulture, $"## Propagation between node processes ({label}{r["policy"]}, {r["starts"]} fresh clusters, {r["warmTrialsPerStart"]} warm trials each, {r["failedTrials"]} failed, measured {r["measuredAt"]}{(r["quick"]?.GetValue<bool>() == true ? ", quick" : "")})");
            md.AppendLine();
            md.AppendLine("Cold: the first transition after every node sees three members Up. Warm: the later ones. From \"isolated\" on the origin to \"opened by the cluster\" on the followers, by the nodes' log timestamps.");
            md.AppendLine();
            md.AppendLine("| Time from the isolation on one node to | n | p50 ms | p95 ms | p99 ms | max ms | mean ms |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            Row95(md, "cold: each follower open", r["coldEachFollowerMs"]);
            Row95(md, "cold: both followers open", r["coldAllNodesMs"]);
            Row95(md, "warm: each follower open", r["warmEachFollowerMs"]);
            Row95(md, "warm: both followers open", r["warmAllNodesMs"]);
            md.AppendLine();
        }
        if (root["wasted"] is JsonObject w)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## Wasted calls ({w["outageSeconds"]} s outage, 3 nodes, measured {w["measuredAt"]}{(w["quick"]?.GetValue<bool>() == true ? ", quick" : "")})");
            md.AppendLine();
            md.AppendLine("| Traffic (calls/s per node) | Policy | Calls sent | Reached the dead dependency | Per node | In the first second | After it | vs LocalOnly | Own openings | Followings |");
            md.AppendLine("|---|---|---:|---:|---|---:|---:|---:|---:|---:|");
            foreach (var row in w["runs"]!.AsArray().OfType<JsonObject>())
            {
                var rates = string.Join(" / ", row["ratePerNode"]!.AsArray().Select(x => x!.ToString()));
                var share = row["shareOfLocalOnly"] is { } s ? $"{s.GetValue<double>() * 100:0}%" : "n/a";
                var perNode = string.Join(" / ", row["reachedPerNode"]!.AsArray().Select(x => x!.ToString()));
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {row["traffic"]} ({rates}) | {row["policy"]} | {row["sent"]} | {row["reached"]} | {perNode} | {row["reachedFirstSecond"]} | {row["reachedAfterFirstSecond"]} | {share} | {row["ownOpenings"]} | {row["followings"]} |");
            }
            md.AppendLine();
        }
        return md.ToString();
    }

    private static void Row95(StringBuilder md, string label, JsonNode? summary)
    {
        if (summary is not JsonObject s || s["count"]?.GetValue<int>() is null or 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | 0 | | | | | |");
            return;
        }
        string F(string key) => s[key]!.GetValue<double>().ToString("0.0", CultureInfo.InvariantCulture);
        md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {s["count"]} | {F("p50")} | {F("p95")} | {F("p99")} | {F("max")} | {F("mean")} |");
    }

    private static void Row(StringBuilder md, string label, JsonNode? summary)
    {
        if (summary is not JsonObject s || s["count"]?.GetValue<int>() is null or 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | 0 | | | | | |");
            return;
        }
        string F(string key) => s[key]!.GetValue<double>().ToString("0.0", CultureInfo.InvariantCulture);
        md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {s["count"]} | {F("p50")} | {F("p90")} | {F("p99")} | {F("max")} | {F("mean")} |");
    }
}
