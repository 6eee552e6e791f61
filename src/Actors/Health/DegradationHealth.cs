using Akka.Actor;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Observability;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Health;

/// <summary>
/// Judges from what an orchestrator publishes (its breakers' boards, the coordinator's board, the load shedder;
/// no message, no ask) whether it is Healthy, Degraded, or Unhealthy:
/// <list type="bullet">
/// <item><b>Unhealthy</b>: the node cannot serve CRITICAL work. A CRITICAL dependency's breaker is open or isolated
/// (or its actor has stopped for good) and it has no fallback of its own that can answer (no replica whose breaker
/// lets calls through, no default fallback); or a CRITICAL feature is switched off (only an operator can do that);
/// or the load shedder shed CRITICAL calls within the last <see cref="ShedWindow"/>.</item>
/// <item><b>Degraded</b>: CRITICAL work is served, but a tier or a feature is switched off, a breaker is not closed
/// (open, half-open, isolated), or the load shedder shed calls of the lower tiers within the last <see cref="ShedWindow"/>.</item>
/// <item><b>Healthy</b>: none of that.</item>
/// </list>
/// A dependency is CRITICAL when a CRITICAL feature names it (<c>Features:{name}:Dependency</c>) or when it has carried
/// a CRITICAL call since start. The calls' own fallbacks are not counted: they are known only per call. Thread-safe.
/// </summary>
public sealed class DegradationHealth
{
    /// <summary>How long a shed call keeps the verdict Degraded (or Unhealthy, for a CRITICAL one).</summary>
    public static readonly TimeSpan ShedWindow = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time;
    private readonly Lock _shedLock = new();
    private long _criticalShed, _otherShed;
    private DateTimeOffset _criticalShedAt = DateTimeOffset.MinValue, _otherShedAt = DateTimeOffset.MinValue;

    /// <summary>Creates a judge; <paramref name="time"/> dates the load shedder's sheds (the system clock by default).</summary>
    public DegradationHealth(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>The verdict on the orchestrator of <paramref name="system"/>; null when none runs there (yet).</summary>
    public DegradationReport? Evaluate(ActorSystem system) =>
        TelemetrySources.For(system) is { } source ? Evaluate(source) : null;

    /// <summary>The verdict on the orchestrator of <paramref name="source"/>.</summary>
    internal DegradationReport Evaluate(TelemetrySource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var unhealthy = new List<string>();
        var degraded = new List<string>();
        var board = source.Controls.Board.Current;
        var directory = source.Directory;

        var critical = CriticalDependencies(source);
        var breakers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in directory.Names)
        {
            var handle = directory.Handles[name];
            var breaker = handle.Gate.IsClosed ? "Stopped" : handle.Breaker.State.ToString();
            if (breaker == nameof(BreakerState.Closed)) continue;
            breakers[name] = breaker;
            var turnsAway = handle.Gate.IsClosed || handle.Breaker.State is BreakerState.Open or BreakerState.Isolated;
            if (critical.Contains(name) && turnsAway && !HasFallback(directory, handle))
                unhealthy.Add($"the CRITICAL dependency '{name}' is {Describe(breaker)} and has no fallback that can answer");
            else
                degraded.Add($"the breaker of '{name}' is {Describe(breaker)}{(critical.Contains(name) ? " (CRITICAL; its fallback answers)" : "")}");
        }

        foreach (var feature in board.Features)
        {
            if (feature.Enabled) continue;
            if (feature.Tier == Tier.Critical) unhealthy.Add($"the CRITICAL feature '{feature.Name}' is switched off ({feature.Reason ?? feature.Switch.ToString()})");
            else degraded.Add($"the feature '{feature.Name}' is switched off ({feature.Reason ?? feature.Switch.ToString()})");
        }
        if (board.DisabledTiers.Count > 0)
            degraded.Add($"{string.Join(" and ", board.DisabledTiers)} calls are switched off while the node is {board.Level}");

        if (source.Controls.Admission is { } admission)
        {
            var snapshot = admission.Snapshot();
            var (criticalRecently, otherRecently) = ShedRecently(snapshot.ShedCritical, snapshot.ShedOptional + snapshot.ShedImportant);
            if (criticalRecently) unhealthy.Add($"the load shedder shed CRITICAL calls within the last {ShedWindow.TotalSeconds:0} s");
            if (otherRecently) degraded.Add($"the load shedder shed OPTIONAL or IMPORTANT calls within the last {ShedWindow.TotalSeconds:0} s");
        }

        var state = unhealthy.Count > 0 ? DegradationState.Unhealthy : degraded.Count > 0 ? DegradationState.Degraded : DegradationState.Healthy;
        return new DegradationReport(state, [.. unhealthy, .. degraded], [.. board.DisabledTiers.Select(t => t.ToString())],
            [.. board.Features.Where(f => !f.Enabled).Select(f => f.Name)], breakers, [.. directory.Names.Where(critical.Contains)]);
    }

    /// <summary>Named by a CRITICAL feature, or has carried a CRITICAL call.</summary>
    private static HashSet<string> CriticalDependencies(TelemetrySource source)
    {
        var critical = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, feature) in source.Features)
            if (feature.Tier == Tier.Critical && feature.Dependency is { } dependency) critical.Add(dependency);
        foreach (var (name, handle) in source.Directory.Handles)
            if (handle.HasCarriedCritical) critical.Add(name);
        return critical;
    }

    /// <summary>A replica whose breaker lets calls through, or a default fallback.</summary>
    private static bool HasFallback(DependencyDirectory directory, DependencyHandle handle) =>
        handle.Options.DefaultFallback is not null
        || (handle.Options.Replica is { } replica && directory.Handles.TryGetValue(replica, out var r) && !r.Gate.IsClosed
            && r.Breaker.State is BreakerState.Closed or BreakerState.HalfOpen);

    private static string Describe(string state) => state switch
    {
        nameof(BreakerState.Isolated) => "isolated by hand",
        nameof(BreakerState.HalfOpen) => "half-open",
        "Stopped" => "stopped (its actor is gone)",
        _ => state.ToLowerInvariant(),
    };

    /// <summary>Whether the shed counts grew within the window (each check notes when they last grew).</summary>
    private (bool Critical, bool Other) ShedRecently(long critical, long other)
    {
        var now = _time.GetUtcNow();
        lock (_shedLock)
        {
            if (critical > _criticalShed) _criticalShedAt = now;
            if (other > _otherShed) _otherShedAt = now;
            _criticalShed = critical;
            _otherShed = other;
            return (now - _criticalShedAt < ShedWindow, now - _otherShedAt < ShedWindow);
        }
    }
}
