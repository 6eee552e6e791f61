using System.Text.Json;

namespace Orchestrator.Experiments;

/// <summary>
/// A chaos experiment (docs/chaos.md#experiments): a steady-state hypothesis (probes with tolerances), a method (faults
/// injected, loads, kills, waits, checks), and rollbacks. Read strictly from JSON by <see cref="ExperimentReader"/>.
/// <paramref name="Nodes"/> is how many nodes of one cluster it runs against (default 1); its probes and steps name
/// theirs by number (<c>"node": 2</c>; default 1).
/// </summary>
public sealed record Experiment(string? Title, string? Description, int? Nodes, SteadyState? SteadyState, IReadOnlyList<Step>? Method, IReadOnlyList<Step>? Rollbacks)
{
    /// <summary>How many nodes the experiment runs against.</summary>
    public int NodeCount => Nodes ?? 1;
}

/// <summary>What "still healthy" means: probes, checked before, during (every <paramref name="EverySeconds"/>) and after the method.</summary>
public sealed record SteadyState(IReadOnlyList<Probe>? Probes, double? EverySeconds);

/// <summary>One probe of the hypothesis: an HTTP request to the node, or the node's own call metrics; within its tolerance or not.</summary>
public sealed record Probe(string? Name, int? Node, HttpCheck? Http, MetricCheck? Metric, Tolerance? Tolerance);

/// <summary>
/// An HTTP request to the node under test and what its answer must be: one of <paramref name="Status"/>, and each
/// property named in <paramref name="Json"/> equal to the value given (or to one of them, for an array). A path is
/// dotted (<c>order.status</c>, <c>items.0.id</c>); <c>[name=stock]</c> picks the first element of an array whose
/// <c>name</c> is <c>stock</c>; a last part <c>#</c> is an array's length, and <c>#[status=Up]</c> counts its elements
/// whose <c>status</c> is <c>Up</c>. <paramref name="Capture"/> keeps properties of the answer as variables (<c>${name}</c> in later paths and
/// bodies). As a method step, <paramref name="WithinSeconds"/> retries it until it passes or the time is up.
/// </summary>
public sealed record HttpCheck(string? Method, string? Path, JsonElement? Body, IReadOnlyList<int>? Status,
    IReadOnlyDictionary<string, JsonElement>? Json, IReadOnlyDictionary<string, string>? Capture, double? WithinSeconds);

/// <summary>The share of the node's guarded calls (of a tier, or a dependency) answered with a value (succeeded or a fallback), from its /metrics.</summary>
public sealed record MetricCheck(string? Tier, string? Dependency);

/// <summary>
/// How far a probe may deviate over a phase before the hypothesis fails: the share of HTTP samples that passed
/// (<paramref name="MinPassRatio"/>, default 1), their p99 latency (<paramref name="MaxP99Ms"/>), the share of calls
/// answered with a value (<paramref name="MinSuccessRatio"/>, metric probes; default 0.99).
/// </summary>
public sealed record Tolerance(double? MinPassRatio, double? MaxP99Ms, double? MinSuccessRatio);

/// <summary>One step of a method or a rollback, on node <paramref name="Node"/> (default 1): exactly one of inject, clear, wait, http, load, kill.</summary>
public sealed record Step(string? Name, int? Node, InjectStep? Inject, ClearStep? Clear, WaitStep? Wait, HttpCheck? Http, LoadStep? Load, bool? Kill);

/// <summary>Injects <paramref name="Fault"/> (the body of <c>POST /api/faults/{dependency}</c>) into <paramref name="Dependency"/>.</summary>
public sealed record InjectStep(string? Dependency, JsonElement? Fault);

/// <summary>Ends <paramref name="Dependency"/>'s fault (<c>node</c> or <c>cluster</c>).</summary>
public sealed record ClearStep(string? Dependency, string? Scope);

/// <summary>Waits <paramref name="Seconds"/> while the hypothesis keeps being checked.</summary>
public sealed record WaitStep(double? Seconds);

/// <summary>
/// Traffic: <paramref name="Concurrency"/> callers each sending the request again as soon as it is answered (or, with
/// <paramref name="PerSecond"/>, at most that many requests a second in all), for <paramref name="Seconds"/>. The step
/// starts it and the method goes on; the method ends when its last load does (a load is stopped at once when the run
/// aborts). Its answers are counted by status in the report.
/// </summary>
public sealed record LoadStep(string? Method, string? Path, JsonElement? Body, int? Concurrency, double? Seconds, double? PerSecond);
