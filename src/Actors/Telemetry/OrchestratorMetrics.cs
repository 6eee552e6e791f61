using System.Diagnostics;
using System.Diagnostics.Metrics;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Telemetry;

/// <summary>
/// The orchestrator's metrics, on the <c>Orchestrator</c> meter (read them with OpenTelemetry, dotnet-counters or
/// a <see cref="MeterListener"/>). Names follow OpenTelemetry's conventions (dotted, lower case, durations in
/// seconds); tag values come from configuration and enums only, never from a request. The write queue's observable
/// instruments are in <c>OrchestratorMetrics.WriteQueue.cs</c>; those that read an orchestrator's published state (breaker
/// states, bulkheads, stress, features, cluster members) in <c>Observability/OrchestratorGauges.cs</c>.
/// docs/operations.md lists every instrument with its unit and tags.
/// </summary>
internal static partial class OrchestratorMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Orchestrator";

    /// <summary>The meter's version.</summary>
    public const string MeterVersion = "1.0";

    // After every field initializer (in either file): the observable instruments, on the meter made above.
    static OrchestratorMetrics() => CreateObservableInstruments();

    private static readonly Meter Meter = new(MeterName, MeterVersion);

    /// <summary>The meter, for the observable instruments that read an orchestrator's published state (<c>Observability</c>).</summary>
    internal static Meter Instance => Meter;

    /// <summary>Makes sure the instruments exist (an orchestrator that starts registers its state before any call is counted).</summary>
    internal static void EnsureCreated()
    {
    }

    private static readonly Counter<long> Calls =
        Meter.CreateCounter<long>("orchestrator.calls", "{call}", "Guarded calls answered, by dependency, tier, outcome and reason.");

    private static readonly Histogram<double> CallDuration =
        Meter.CreateHistogram<double>("orchestrator.call.duration", "s", "Time from a call's arrival at its dependency to its answer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly Counter<long> BreakerTransitions =
        Meter.CreateCounter<long>("orchestrator.breaker.transitions", "{transition}", "Circuit breaker state changes, by dependency and new state.");

    private static readonly Counter<long> BulkheadRejections =
        Meter.CreateCounter<long>("orchestrator.bulkhead.rejections", "{call}", "Calls rejected because a bulkhead was full.");

    private static readonly Counter<long> ActorRestarts =
        Meter.CreateCounter<long>("orchestrator.dependency.restarts", "{restart}", "Dependency actors restarted by their supervisor.");

    private static readonly Counter<long> StressChanges =
        Meter.CreateCounter<long>("orchestrator.stress.changes", "{change}", "Stress level changes, by old and new level.");

    private static readonly Counter<long> FeatureSwitches =
        Meter.CreateCounter<long>("orchestrator.feature.switches", "{switch}", "Features switched off or on, by feature.");

    private static readonly Counter<long> Shed =
        Meter.CreateCounter<long>("orchestrator.admission.shed", "{call}", "Calls shed by the node's load shedder, by tier.");

    private static readonly Counter<long> ClusterBreakerActions =
        Meter.CreateCounter<long>("orchestrator.cluster.breaker_actions", "{action}",
            "Breakers moved by the cluster's view, by dependency and action (followed, released, took-over-probing).");

    private static readonly Counter<long> BreakerProbes =
        Meter.CreateCounter<long>("orchestrator.breaker.probes", "{probe}",
            "Runs of a dependency's own health probe while its breaker is half-open, by dependency and outcome (succeeded, failed, timed-out).");

    /// <summary>Counts a run of a dependency's own health probe.</summary>
    public static void BreakerProbed(string dependency, string outcome) =>
        BreakerProbes.Add(1, new TagList { { "dependency", dependency }, { "outcome", outcome } });

    private static readonly Counter<long> MembershipChanges =
        Meter.CreateCounter<long>("orchestrator.cluster.membership_changes", "{change}", "Cluster membership events seen by this node, by event.");

    /// <summary>Counts a breaker moved by the cluster's view.</summary>
    public static void ClusterBreakerAction(string dependency, string action) =>
        ClusterBreakerActions.Add(1, new TagList { { "dependency", dependency }, { "action", action } });

    /// <summary>Counts a cluster membership event.</summary>
    public static void MembershipChanged(string change) =>
        MembershipChanges.Add(1, new TagList { { "change", change } });

    private static readonly Counter<long> WriteQueueEvents =
        Meter.CreateCounter<long>("orchestrator.writequeue.events", "{event}",
            "Write queue state changes, by target and event: queued, refused, delivered, failed, paused, poisoned, redriven, dropped.");

    /// <summary>Counts a write queue state change of a write for <paramref name="target"/>.</summary>
    public static void WriteQueueEvent(string target, string @event) =>
        WriteQueueEvents.Add(1, new TagList { { "target", target }, { "event", @event } });

    /// <summary>Counts a stress level change.</summary>
    public static void StressLevelChanged(StressLevel from, StressLevel to, StressSignal? signal = null) =>
        StressChanges.Add(1, new TagList { { "from", from.ToString() }, { "to", to.ToString() }, { "signal", signal?.ToString() ?? "none" } });

    /// <summary>Counts a feature switched off or on.</summary>
    public static void FeatureSwitched(string feature, bool enabled) =>
        FeatureSwitches.Add(1, new TagList { { "feature", feature }, { "enabled", enabled } });

    /// <summary>Counts a call shed by the load shedder.</summary>
    private static readonly Counter<long> FaultChanges =
        Meter.CreateCounter<long>("orchestrator.chaos.fault_changes", "{change}", "Faults injected into, cleared from or expired on a dependency, by kind and event.");

    private static readonly Counter<long> FaultsApplied =
        Meter.CreateCounter<long>("orchestrator.chaos.calls_affected", "{call}", "Calls (and probes) an injected fault acted on, by dependency and kind.");

    /// <summary>A fault was injected, cleared or expired.</summary>
    public static void FaultChanged(string dependency, string kind, string @event) =>
        FaultChanges.Add(1, new TagList { { "dependency", dependency }, { "kind", kind }, { "event", @event } });

    /// <summary>An injected fault acted on one call.</summary>
    public static void FaultApplied(string dependency, string kind) =>
        FaultsApplied.Add(1, new TagList { { "dependency", dependency }, { "kind", kind } });

    public static void CallShed(string dependency, Tier tier) =>
        Shed.Add(1, new TagList { { "dependency", dependency }, { "tier", tier.ToString() } });

    // Tag values by enum value, so that counting a call boxes and formats nothing.
    private static readonly string[] OutcomeNames = Enum.GetValues<CallOutcome>().Select(o => o.ToString()).ToArray();
    private static readonly string[] TierNames = Enum.GetValues<Tier>().Select(t => t.ToString()).ToArray();
    private static readonly string[] ReasonNames = Enum.GetValues<DegradationReason>().Select(r => r.ToString()).ToArray();

    /// <summary>Counts an answered call (nothing at all while no listener is attached).</summary>
    public static void CallAnswered(string dependency, Tier tier, CallOutcome outcome, DegradationReason reason, TimeSpan elapsed)
    {
        if (!Calls.Enabled && !CallDuration.Enabled) return;
        var tags = new TagList
        {
            { "dependency", dependency }, { "tier", TierNames[(int)tier] }, { "outcome", OutcomeNames[(int)outcome] }, { "reason", ReasonNames[(int)reason] },
        };
        Calls.Add(1, tags);
        CallDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>Counts a breaker transition.</summary>
    public static void BreakerTransitioned(string dependency, BreakerState from, BreakerState to) =>
        BreakerTransitions.Add(1, new TagList { { "dependency", dependency }, { "from", from.ToString() }, { "to", to.ToString() } });

    /// <summary>Counts a bulkhead rejection.</summary>
    public static void BulkheadRejected(string dependency) =>
        BulkheadRejections.Add(1, new TagList { { "dependency", dependency } });

    private static readonly Counter<long> RateLimitChanges =
        Meter.CreateCounter<long>("orchestrator.ratelimit.changes", "{change}",
            "A dependency's rate limit started or stopped refusing permits, by dependency and limiting (true: started).");

    private static readonly Counter<long> RateLimitRefusals =
        Meter.CreateCounter<long>("orchestrator.ratelimit.refusals", "{permit}", "Permits a dependency's rate limit refused, by dependency.");

    /// <summary>Counts a rate limit starting (<paramref name="limiting"/>) or stopping to refuse permits.</summary>
    public static void RateLimitChanged(string dependency, bool limiting) =>
        RateLimitChanges.Add(1, new TagList { { "dependency", dependency }, { "limiting", limiting } });

    /// <summary>Counts a permit refused by a dependency's rate limit.</summary>
    public static void RateLimitRefused(string dependency) =>
        RateLimitRefusals.Add(1, new TagList { { "dependency", dependency } });

    /// <summary>Counts a restart of a dependency actor.</summary>
    public static void DependencyRestarted(string dependency) =>
        ActorRestarts.Add(1, new TagList { { "dependency", dependency } });

    private static readonly Counter<long> OptionsChanges =
        Meter.CreateCounter<long>("orchestrator.options.changes", "{change}",
            "Changes of a dependency's options at run time (a reload of configuration, or ChangeDependencyOptions), by dependency and result (applied, refused, unchanged).");

    private static readonly Counter<long> Hedges =
        Meter.CreateCounter<long>("orchestrator.hedges", "{hedge}",
            "Hedges of slow or failed attempts, by dependency and result (started; won: a hedge's answer was given; skipped: no place, permit or budget for it).");

    /// <summary>Counts a hedge of a call to <paramref name="dependency"/>: <paramref name="result"/> is started, won or skipped.</summary>
    public static void Hedged(string dependency, string result) =>
        Hedges.Add(1, new TagList { { "dependency", dependency }, { "result", result } });

    /// <summary>Counts a change of <paramref name="dependency"/>'s options tried at run time: <paramref name="result"/> is applied, refused or unchanged.</summary>
    public static void OptionsChanged(string dependency, string result) =>
        OptionsChanges.Add(1, new TagList { { "dependency", dependency }, { "result", result } });
}
