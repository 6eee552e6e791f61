using Orchestrator.Contracts;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Experiments;

/// <summary>
/// Reads an experiment strictly (unknown fields, wrong types and bad values are errors naming where they are) and
/// within limits, so that a document cannot make the runner call another host, run for hours or fill memory.
/// </summary>
public static class ExperimentReader
{
    public const int MaxProbes = 20;
    public const int MaxSteps = 50;
    public const int MaxNodes = 5;
    public const int MaxLoadConcurrency = 100;
    public const int MaxLoadCallers = 200;
    public static readonly TimeSpan MaxLength = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MinEvery = TimeSpan.FromMilliseconds(200);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE"];

    /// <summary>Parses and validates <paramref name="json"/>; on failure the error names every problem.</summary>
    public static (Experiment? Experiment, string? Error) Read(string json)
    {
        Experiment? experiment;
        try
        {
            experiment = JsonSerializer.Deserialize<Experiment>(json, Json);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 1 } path ? $" at {path}" : "";
            return (null, e.InnerException is JsonException syntax
                ? $"The experiment is not valid JSON: {syntax.Message}"
                : $"The experiment is not valid{where}: {(e.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "an unknown field" : e.Message)}.");
        }
        if (experiment is null) return (null, "The experiment must be a JSON object.");
        var errors = Validate(experiment);
        return errors.Count > 0 ? (null, string.Join(" ", errors)) : (experiment, null);
    }

    /// <summary>Every problem with <paramref name="experiment"/>, each naming where it is.</summary>
    public static List<string> Validate(Experiment experiment)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(experiment.Title) || experiment.Title.Length > 200) errors.Add("title is required (at most 200 characters).");
        if (experiment.Nodes is { } nodes && nodes is < 1 or > MaxNodes) errors.Add($"nodes must be between 1 and {MaxNodes}, not {nodes}.");
        var nodeCount = Math.Clamp(experiment.NodeCount, 1, MaxNodes);
        var probes = experiment.SteadyState?.Probes ?? [];
        if (probes.Count == 0) errors.Add("steadyState.probes needs at least one probe.");
        if (probes.Count > MaxProbes) errors.Add($"steadyState.probes has {probes.Count} probes; at most {MaxProbes}.");
        if (experiment.SteadyState?.EverySeconds is { } every && (double.IsNaN(every) || every < MinEvery.TotalSeconds || every > 60))
            errors.Add($"steadyState.everySeconds must be between {MinEvery.TotalSeconds} and 60, not {every}.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < probes.Count; i++)
        {
            var probe = probes[i];
            var at = $"steadyState.probes[{i}]";
            if (probe is null) { errors.Add($"{at} is empty."); continue; }
            if (string.IsNullOrWhiteSpace(probe.Name) || probe.Name.Length > 100) errors.Add($"{at}.name is required (at most 100 characters).");
            else if (!names.Add(probe.Name)) errors.Add($"{at}.name '{probe.Name}' is used twice.");
            CheckNode(probe.Node, nodeCount, $"{at}.node", errors);
            if ((probe.Http is null) == (probe.Metric is null)) errors.Add($"{at} needs exactly one of http and metric.");
            if (probe.Http is { } http) CheckHttp(http, $"{at}.http", errors, asStep: false);
            if (probe.Metric is { Tier: { } tier } && !EnumNames.TryParse<Tier>(tier, out _))
                errors.Add($"{at}.metric.tier must be Critical, Important or Optional, not '{tier}'.");
            if (probe.Tolerance is { } t)
            {
                if (t.MinPassRatio is { } r && (double.IsNaN(r) || r < 0 || r > 1)) errors.Add($"{at}.tolerance.minPassRatio must be in [0, 1], not {r}.");
                if (t.MinSuccessRatio is { } s && (double.IsNaN(s) || s < 0 || s > 1)) errors.Add($"{at}.tolerance.minSuccessRatio must be in [0, 1], not {s}.");
                if (t.MaxP99Ms is { } p && (double.IsNaN(p) || p <= 0 || p > 600_000)) errors.Add($"{at}.tolerance.maxP99Ms must be above 0 and at most 600000, not {p}.");
                if (probe.Metric is not null && (t.MinPassRatio is not null || t.MaxP99Ms is not null))
                    errors.Add($"{at}.tolerance: a metric probe takes minSuccessRatio only.");
                if (probe.Http is not null && t.MinSuccessRatio is not null) errors.Add($"{at}.tolerance: an http probe takes minPassRatio and maxP99Ms only.");
            }
        }
        var length = TimeSpan.Zero;
        var callers = 0;
        CheckSteps(experiment.Method, "method", nodeCount, errors, ref length, ref callers, required: true);
        CheckSteps(experiment.Rollbacks, "rollbacks", nodeCount, errors, ref length, ref callers, required: false);
        if (callers > MaxLoadCallers) errors.Add($"The loads have {callers} callers in all; at most {MaxLoadCallers}.");
        if (length > MaxLength) errors.Add($"The method and rollbacks may take {length.TotalSeconds:0} s; at most {MaxLength.TotalSeconds:0} s.");
        return errors;
    }

    private static void CheckSteps(IReadOnlyList<Step>? steps, string at, int nodeCount, List<string> errors, ref TimeSpan length, ref int callers, bool required)
    {
        steps ??= [];
        if (required && steps.Count == 0) errors.Add($"{at} needs at least one step.");
        if (steps.Count > MaxSteps) errors.Add($"{at} has {steps.Count} steps; at most {MaxSteps}.");
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var where = $"{at}[{i}]";
            if (step is null) { errors.Add($"{where} is empty."); continue; }
            var kinds = (step.Inject is null ? 0 : 1) + (step.Clear is null ? 0 : 1) + (step.Wait is null ? 0 : 1) + (step.Http is null ? 0 : 1)
                + (step.Load is null ? 0 : 1) + (step.Kill is null ? 0 : 1);
            if (kinds != 1) errors.Add($"{where} needs exactly one of inject, clear, wait, http, load, kill.");
            CheckNode(step.Node, nodeCount, $"{where}.node", errors);
            if (step.Name is { Length: > 100 }) errors.Add($"{where}.name is longer than 100 characters.");
            if (step.Inject is { } inject)
            {
                CheckDependency(inject.Dependency, $"{where}.inject.dependency", errors);
                if (inject.Fault is not { ValueKind: JsonValueKind.Object } fault) errors.Add($"{where}.inject.fault must be an object like {{\"kind\": \"error\"}}.");
                else if (FaultRequest.Read(fault.GetRawText()).Error is { } error) errors.Add($"{where}.inject.fault: {error}");
            }
            if (step.Clear is { } clear)
            {
                CheckDependency(clear.Dependency, $"{where}.clear.dependency", errors);
                if (clear.Scope is not (null or "node" or "cluster")) errors.Add($"{where}.clear.scope must be node or cluster, not '{clear.Scope}'.");
            }
            if (step.Wait is { } wait)
            {
                if (wait.Seconds is not { } s || double.IsNaN(s) || s <= 0 || s > MaxLength.TotalSeconds)
                    errors.Add($"{where}.wait.seconds must be above 0 and at most {MaxLength.TotalSeconds}.");
                else length += TimeSpan.FromSeconds(s);
            }
            if (step.Http is { } http)
            {
                CheckHttp(http, $"{where}.http", errors, asStep: true);
                if (http.WithinSeconds is { } within && within is > 0 && within <= MaxLength.TotalSeconds) length += TimeSpan.FromSeconds(within);
            }
            if (step.Load is { } load)
            {
                if (at == "rollbacks") errors.Add($"{where}: a rollback cannot be a load.");
                CheckMethod(load.Method, $"{where}.load.method", errors);
                CheckPath(load.Path, $"{where}.load.path", errors);
                if (load.Concurrency is not { } concurrency || concurrency is < 1 or > MaxLoadConcurrency)
                    errors.Add($"{where}.load.concurrency must be between 1 and {MaxLoadConcurrency}, not {load.Concurrency?.ToString() ?? "missing"}.");
                else callers += concurrency;
                if (load.Seconds is not { } seconds || double.IsNaN(seconds) || seconds <= 0 || seconds > MaxLength.TotalSeconds)
                    errors.Add($"{where}.load.seconds must be above 0 and at most {MaxLength.TotalSeconds}.");
                else length += TimeSpan.FromSeconds(seconds);
                if (load.PerSecond is { } rate && (double.IsNaN(rate) || rate < 0.1 || rate > 10_000))
                    errors.Add($"{where}.load.perSecond must be between 0.1 and 10000, not {rate}.");
            }
            if (step.Kill is { } kill)
            {
                if (!kill) errors.Add($"{where}.kill must be true (it kills the step's node), not false.");
                if (at == "rollbacks") errors.Add($"{where}: a rollback cannot kill a node.");
                // With one node, the node killed would be the one under test, and perhaps the one running the experiment.
                if (nodeCount < 2) errors.Add($"{where}: a kill needs an experiment of several nodes (\"nodes\": 2 or more), with another node to watch.");
            }
        }
    }

    private static void CheckNode(int? node, int nodeCount, string at, List<string> errors)
    {
        if (node is { } n && (n < 1 || n > nodeCount))
            errors.Add(nodeCount == 1 ? $"{at} is {n}, but the experiment runs against one node (give \"nodes\" for more)." : $"{at} must be between 1 and {nodeCount}, not {n}.");
    }

    private static void CheckMethod(string? method, string at, List<string> errors)
    {
        if (method is not null && !Methods.Contains(method.ToUpperInvariant())) errors.Add($"{at} must be one of {string.Join(", ", Methods)}, not '{method}'.");
    }

    private static void CheckPath(string? path, string at, List<string> errors)
    {
        // A path on the node under test only: never another host.
        if (path is not { Length: > 0 and <= 2000 } || !path.StartsWith('/') || path.StartsWith("//", StringComparison.Ordinal) || path.Contains('\\') || path.Contains("://", StringComparison.Ordinal))
            errors.Add($"{at} must be a path on the node, starting with a single '/' (not '{path}').");
        // A node is killed by a kill step only: one that the runner knows of, never a rollback, never the only node.
        else if (IsKillPath(path)) errors.Add($"{at}: '{path}' kills the node; use a kill step (\"kill\": true) in an experiment of several nodes.");
    }

    /// <summary>Whether <paramref name="path"/> reaches <c>POST /api/node/kill</c> (its query left out, escapes and dot segments resolved, in any case).</summary>
    private static bool IsKillPath(string path)
    {
        var query = path.IndexOfAny(['?', '#']);
        var bare = Uri.UnescapeDataString(query < 0 ? path : path[..query]);
        var resolved = Uri.TryCreate(new Uri("http://node"), bare, out var uri) ? uri.AbsolutePath : bare;
        return System.Text.RegularExpressions.Regex.Replace(Uri.UnescapeDataString(resolved), "/{2,}", "/").TrimEnd('/').Equals(NodePaths.Kill, StringComparison.OrdinalIgnoreCase);
    }

    private static void CheckDependency(string? name, string at, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            errors.Add($"{at} must name a dependency (1 to 64 letters, digits, '-', '_' or '.').");
    }

    private static void CheckHttp(HttpCheck http, string at, List<string> errors, bool asStep)
    {
        CheckMethod(http.Method, $"{at}.method", errors);
        CheckPath(http.Path, $"{at}.path", errors);
        if (http.Status is { Count: 0 } || http.Status?.Any(s => s is < 100 or > 599) == true) errors.Add($"{at}.status must list HTTP status codes (100 to 599).");
        if (http.Json?.Count > 20) errors.Add($"{at}.json checks at most 20 properties.");
        if (http.Capture?.Count > 10) errors.Add($"{at}.capture keeps at most 10 variables.");
        if (http.Capture?.Keys.Any(k => k.Length is 0 or > 40 || !k.All(char.IsAsciiLetterOrDigit)) == true) errors.Add($"{at}.capture names must be 1 to 40 letters or digits.");
        foreach (var (name, path) in http.Capture ?? new Dictionary<string, string>())
            if ((path is null ? "is missing." : JsonPath.Problem(path)) is { } problem) errors.Add($"{at}.capture.{name}: the property path {problem}");
        foreach (var key in http.Json?.Keys ?? [])
            if (JsonPath.Problem(key) is { } problem) errors.Add($"{at}.json: '{(key.Length > 60 ? key[..60] + "..." : key)}' {problem}");
        if (http.WithinSeconds is { } within && (!asStep || double.IsNaN(within) || within <= 0 || within > MaxLength.TotalSeconds))
            errors.Add(asStep ? $"{at}.withinSeconds must be above 0 and at most {MaxLength.TotalSeconds}." : $"{at}.withinSeconds is for method steps, not probes.");
        if (!asStep && http.Capture is not null) errors.Add($"{at}.capture is for method steps, not probes.");
    }
}
