using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Cluster;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Actors.Time;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Coordination;

/// <summary>
/// The priority coordinator (<c>/user/orchestrator/coordinator</c>). Every sample interval it reads the stress
/// signals, judges the level (Normal, Stressed, Severe) with hysteresis and a dwell time, switches tiers off and on
/// (OPTIONAL under stress, IMPORTANT too under severe stress, CRITICAL never; back one step at a time), keeps the
/// feature flags (by tier, by hand, or off for a cool-down while the feature's dependency keeps failing), and
/// publishes the result on the <see cref="DegradationBoard"/> that the hot path reads.
/// </summary>
/// <remarks>
/// A cool-down starts when a sample finds that the feature's dependency's breaker opened (on its own failures, or
/// on the cluster's evidence) since the last one; never for a breaker isolated by hand (the operator holds it open,
/// and its calls say so). An operator's reset of the breaker (<see cref="BreakerResetByOperator"/>, from the event
/// stream) ends the cool-down of every feature on that dependency at once, and the openings before it start none.
/// </remarks>
public sealed class PriorityCoordinator : ReceiveActor, IWithTimers
{
    private const string SampleTimerKey = "sample";
    private readonly OrchestratorOptions _options;
    private readonly DegradationBoard _board;
    private readonly Admission.AdmissionController? _admission;
    private readonly TimeProvider _time;
    private readonly StressEvaluator _evaluator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, bool> _manual = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _coolingDown = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _openingsSeen = new(StringComparer.Ordinal);
    private IStressSignalSource? _signals;
    private DependencyDirectory? _directory;
    private ClusterStressLevel _cluster = new(StressLevel.Normal, null);

    /// <summary>Creates the coordinator; use <see cref="Props"/>.</summary>
    internal PriorityCoordinator(OrchestratorOptions options, NodeControls controls, IActorRef dependencies, TimeProvider? time)
    {
        _options = options;
        _board = controls.Board;
        _admission = controls.Admission;
        _time = time ?? new SchedulerTimeProvider(Context.System.Scheduler);
        _evaluator = new StressEvaluator(options.Stress, _time);
        _signals = options.StressSignals;

        Receive<DependencyDirectory>(d =>
        {
            _directory = d; // openings are counted from the dependencies' start, which is this actor's start too
            _signals ??= new NodeStressSignals(d, _options.Stress, _time);
        });
        Receive<SampleStress>(_ => Sample());
        Receive<ClusterStressLevel>(OnClusterStress);
        Receive<SetFeature>(OnSetFeature);
        Receive<BreakerResetByOperator>(OnBreakerReset);
        Receive<GetDegradation>(_ => Sender.Tell(_board.Current with { Admission = _admission?.Snapshot() }));
        dependencies.Tell(GetDependencyDirectory.Instance);
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for the coordinator of <paramref name="options"/>' features, publishing on the board of <paramref name="controls"/>.</summary>
    internal static Props Props(OrchestratorOptions options, NodeControls controls, IActorRef dependencies, TimeProvider? time = null) =>
        ActorFactory.Props(() => new PriorityCoordinator(options, controls, dependencies, time));

    /// <inheritdoc />
    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(BreakerResetByOperator));
        Context.System.EventStream.Publish(new LocalStressChanged(_evaluator.Level));
        Publish();
        Timers.StartPeriodicTimer(SampleTimerKey, SampleStress.Instance, _options.Stress.SampleInterval);
    }

    /// <inheritdoc />
    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void Sample()
    {
        var signals = _signals?.Read() ?? StressSignals.Calm;
        var before = _evaluator.Level;
        if (_evaluator.Evaluate(signals) is { } level)
        {
            OrchestratorMetrics.StressLevelChanged(before, level, _evaluator.Reasons.FirstOrDefault()?.Signal);
            Context.System.EventStream.Publish(new LocalStressChanged(level)); // for the cluster, when stress is shared
            var disabled = StressEvaluator.DisabledTiers(level);
            var reasons = _evaluator.Reasons.Count == 0 ? "no signal above its threshold" : string.Join("; ", _evaluator.Reasons.Select(r => r.Description));
            var top = _evaluator.Reasons.FirstOrDefault();
            if (level > before)
                _log.Warning("Stress level rose {From} -> {To} by {Signal}: {Reasons}; disabled tiers: {DisabledTiers}",
                    before, level, top is null ? "none" : top.Signal.ToString(), reasons, string.Join(", ", disabled));
            else
                _log.Info("Stress level fell {From} -> {To} (score {Score:0.00}: {Cause}); still: {Reasons}; disabled tiers: {DisabledTiers}",
                    before, level, _evaluator.Score, _evaluator.Cause, level == StressLevel.Normal ? "nothing" : reasons,
                    disabled.Count == 0 ? "none" : string.Join(", ", disabled));
        }
        CoolDownFailingFeatures();
        Publish();
    }

    /// <summary>
    /// A feature whose dependency's breaker opened again is switched off for its cool-down; after it, it is tried
    /// again. A breaker isolated by hand starts no cool-down: it is open by the operator's choice, not for failures.
    /// </summary>
    private void CoolDownFailingFeatures()
    {
        var now = _time.GetUtcNow();
        foreach (var (feature, until) in _coolingDown.Where(c => c.Value <= now).ToList())
        {
            _coolingDown.Remove(feature);
            _log.Info("Feature {Feature} switched back on after its cool-down, to try again", feature);
            OrchestratorMetrics.FeatureSwitched(feature, enabled: true);
        }
        if (_directory is null) return;
        foreach (var (feature, options) in _options.Features)
        {
            // CRITICAL features are never switched off automatically: their calls meet the breaker like any other.
            if (options.Tier == Tier.Critical) continue;
            if (options.Dependency is not { } dependency || !_directory.Handles.TryGetValue(dependency, out var handle)) continue;
            var openings = handle.Breaker.Openings;
            var seen = _openingsSeen.GetValueOrDefault(feature);
            _openingsSeen[feature] = openings;
            if (openings <= seen || _coolingDown.ContainsKey(feature) || handle.Breaker.State == BreakerState.Isolated) continue;
            _coolingDown[feature] = now + options.CoolDown;
            _log.Warning("Feature {Feature} switched off for {CoolDown}: its dependency {Dependency} keeps failing (breaker opened)",
                feature, options.CoolDown, dependency);
            OrchestratorMetrics.FeatureSwitched(feature, enabled: false);
        }
    }

    /// <summary>
    /// An operator reset the breaker of <see cref="BreakerResetByOperator.Dependency"/> by hand: "try it again now".
    /// Every feature on that dependency leaves its cool-down, and the breaker's openings up to the reset count as
    /// handled, so the next sample does not start the cool-down again from an opening before it.
    /// </summary>
    private void OnBreakerReset(BreakerResetByOperator reset)
    {
        var cleared = false;
        foreach (var (feature, options) in _options.Features)
        {
            if (options.Dependency != reset.Dependency) continue;
            _openingsSeen[feature] = Math.Max(_openingsSeen.GetValueOrDefault(feature), reset.Openings);
            if (!_coolingDown.Remove(feature)) continue;
            cleared = true;
            _log.Info("Feature {Feature} switched back on: cool-down cleared by an operator reset of {Dependency}, to try again", feature, reset.Dependency);
            OrchestratorMetrics.FeatureSwitched(feature, enabled: true);
        }
        if (cleared) Publish();
    }

    /// <summary>Stress is shared across the cluster: this node degrades to the highest level of any reachable node.</summary>
    private void OnClusterStress(ClusterStressLevel cluster)
    {
        var before = Effective;
        _cluster = cluster;
        if (Effective != before)
        {
            OrchestratorMetrics.StressLevelChanged(before, Effective, StressSignal.Cluster);
            if (Effective > before)
                _log.Warning("Stress level rose {From} -> {To}: node {Node} of the cluster is {ClusterLevel}; disabled tiers: {DisabledTiers}",
                    before, Effective, cluster.Node, cluster.Highest, string.Join(", ", StressEvaluator.DisabledTiers(Effective)));
            else
                _log.Info("Stress level fell {From} -> {To}: no other node of the cluster is above {To}", before, Effective, Effective);
        }
        Publish();
    }

    /// <summary>The level the node acts on: its own, or a higher one of another node when stress is shared.</summary>
    private StressLevel Effective => _cluster.Highest > _evaluator.Level ? _cluster.Highest : _evaluator.Level;

    private void OnSetFeature(SetFeature set)
    {
        if (!_options.Features.ContainsKey(set.Feature))
        {
            Sender.Tell(new UnknownFeature(set.Feature, _options.Features.Keys.ToList()));
            return;
        }
        if (set.Enabled is { } enabled)
        {
            _manual[set.Feature] = enabled;
            _log.Info("Feature {Feature} switched {State} by hand", set.Feature, enabled ? "on" : "off");
            OrchestratorMetrics.FeatureSwitched(set.Feature, enabled);
        }
        else
        {
            // Clearing also ends a cool-down, and takes the dependency's breaker openings so far as seen:
            // the operator says "try it again now".
            _manual.Remove(set.Feature);
            _coolingDown.Remove(set.Feature);
            if (_options.Features[set.Feature].Dependency is { } dependency && _directory?.Handles.TryGetValue(dependency, out var handle) == true)
                _openingsSeen[set.Feature] = handle.Breaker.Openings;
            _log.Info("Feature {Feature}: manual setting and cool-down cleared; its tier decides again", set.Feature);
        }
        Publish();
        Sender.Tell(_board.Current.Features.First(f => f.Name == set.Feature));
    }

    private void Publish()
    {
        var level = Effective;
        var disabled = StressEvaluator.DisabledTiers(level);
        var now = _time.GetUtcNow();
        var features = _options.Features.Select(kv =>
        {
            var (name, f) = (kv.Key, kv.Value);
            if (_manual.TryGetValue(name, out var manual))
                return new FeatureStatus(name, f.Tier, manual, FeatureSwitch.Manual, null, manual ? null : "switched off by hand");
            if (_coolingDown.TryGetValue(name, out var until) && until > now)
                return new FeatureStatus(name, f.Tier, false, FeatureSwitch.Temporary, until, $"its dependency '{f.Dependency}' keeps failing");
            var on = f.Tier == Tier.Critical || !disabled.Contains(f.Tier);
            return new FeatureStatus(name, f.Tier, on, FeatureSwitch.ByTier, null, on ? null : $"{f.Tier} features are off while the node is {level}");
        }).ToList();
        var fromCluster = _cluster.Highest > _evaluator.Level;
        IReadOnlyList<StressReason> reasons = fromCluster
            ? [.. _evaluator.Reasons, new StressReason(StressSignal.Cluster, null, null, $"node {_cluster.Node} of the cluster is {_cluster.Highest}", now)]
            : _evaluator.Reasons;
        var cause = fromCluster ? $"node {_cluster.Node} of the cluster is {_cluster.Highest}" : _evaluator.Cause;
        _board.Publish(new DegradationStatus(level, _evaluator.Score, reasons,
            disabled.OrderBy(t => t).ToList(), features, _evaluator.LastChange) { Cause = cause });
    }
}
