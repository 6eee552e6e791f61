using Akka.Actor;
using Orchestrator.Actors.Admission;
using Orchestrator.Actors.Coordination;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Orchestrator.Tests.Actors;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Coordination;

public sealed class PriorityCoordinatorTests(ITestOutputHelper output) : ActorTestBase(output)
{
    private sealed class ScriptedSignals : IStressSignalSource
    {
        public volatile StressSignals Current = StressSignals.Calm;
        public StressSignals Read() => Current;
    }

    private readonly ScriptedSignals _signals = new();
    private NodeControls _controls = null!;
    private IActorRef _dependencies = null!;
    private IActorRef _coordinator = null!;

    private void Start(Action<OrchestratorOptions> configure, AdmissionOptions? admission = null)
    {
        var options = new OrchestratorOptions { TimeProvider = Time, StressSignals = _signals };
        options.Stress.MinDwell = TimeSpan.FromSeconds(5);
        configure(options);
        options.Validate();
        _controls = new NodeControls(new DegradationBoard(), admission is null ? null : new AdmissionController(admission));
        _dependencies = Sys.ActorOf(DependencySupervisor.Props(options, _controls), "dependencies");
        _coordinator = Sys.ActorOf(PriorityCoordinator.Props(options, _controls, _dependencies, Time), "coordinator");
    }

    /// <summary>Moves virtual time on second by second (one stress sample each) until the board shows <paramref name="until"/>.</summary>
    private void Seconds(int seconds, Func<DegradationStatus, bool>? until = null)
    {
        for (var s = 0; s < seconds; s++)
        {
            Advance(TimeSpan.FromSeconds(1));
            _coordinator.Tell(GetDegradation.Instance, TestActor); // each answer follows the sample before it
            var status = ExpectMsg<DegradationStatus>();
            if (until?.Invoke(status) == true) return;
        }
        if (until is not null) Assert.Fail($"The board never showed the expected state; it shows {_controls.Board.Current}");
    }

    private CallResult<string> Call(Tier tier, string? feature = null)
    {
        _dependencies.Tell(new GuardedCall<string>("shop", _ => Task.FromResult("live")) { Tier = tier, Feature = feature, ReplyTo = TestActor });
        return ExpectResult<string>();
    }

    [Fact]
    public void Under_stress_optional_goes_off_under_severe_stress_important_too_and_critical_never()
    {
        Start(o => o.AddDependency("shop"));
        Assert.True(Call(Tier.Optional).IsSuccess);

        _signals.Current = new StressSignals(0.7, 0, 0, 0, [])
        {
            Sources = new Dictionary<StressSignal, string> { [StressSignal.Saturation] = "shop bulkhead 70% full (21 of 30)" },
        };
        Seconds(10, s => s.Level == StressLevel.Stressed);
        Assert.Equal([Tier.Optional], _controls.Board.Current.DisabledTiers);
        // The level names its reason: the signal, its value and the threshold it reached (Stressed enters at 0.6).
        var reason = Assert.Single(_controls.Board.Current.Reasons);
        Assert.Equal((StressSignal.Saturation, 0.7, 0.6, "shop bulkhead 70% full (21 of 30)"), (reason.Signal, reason.Value!.Value, reason.Threshold!.Value, reason.Source));
        var optional = Call(Tier.Optional);
        Assert.Equal(CallOutcome.Rejected, optional.Outcome);
        Assert.Equal(DegradationReason.FeatureDisabled, optional.Reason);
        Assert.True(Call(Tier.Important).IsSuccess);

        _signals.Current = new StressSignals(0.95, 0, 0, 0, []);
        Seconds(10, s => s.Level == StressLevel.Severe);
        Assert.Equal(DegradationReason.FeatureDisabled, Call(Tier.Important).Reason);
        Assert.True(Call(Tier.Critical).IsSuccess);

        // Stress passes: back one step at a time.
        _signals.Current = StressSignals.Calm;
        Seconds(10, s => s.Level == StressLevel.Stressed);
        Assert.True(Call(Tier.Important).IsSuccess);
        Assert.Equal(DegradationReason.FeatureDisabled, Call(Tier.Optional).Reason);
        Seconds(10, s => s.Level == StressLevel.Normal);
        Assert.True(Call(Tier.Optional).IsSuccess);
    }

    [Fact]
    public void A_disabled_feature_is_served_by_its_fallback()
    {
        Start(o => o.AddDependency("shop").AddFeature("recommendations", Tier.Optional));
        _signals.Current = new StressSignals(0, 0, 0, 0.8, []);
        Seconds(10, s => s.Level == StressLevel.Stressed);

        _dependencies.Tell(new GuardedCall<string>("shop", _ => Task.FromResult("personalised"))
        {
            Feature = "recommendations",
            ReplyTo = TestActor,
            Fallback = (_, _) => Task.FromResult("popular"),
        });
        var result = ExpectResult<string>();
        Assert.Equal(CallOutcome.Fallback, result.Outcome);
        Assert.Equal("popular", result.Value);
        Assert.Equal(DegradationReason.FeatureDisabled, result.Reason);
        Assert.Contains("'recommendations' is switched off", result.Detail);
    }

    [Fact]
    public void Feature_flags_switch_at_run_time_and_a_manual_setting_overrides_the_tier_until_cleared()
    {
        Start(o => o.AddDependency("shop").AddFeature("reviews", Tier.Optional).AddFeature("checkout", Tier.Critical));

        _coordinator.Tell(new SetFeature("reviews", false), TestActor);
        var off = ExpectMsg<FeatureStatus>();
        Assert.False(off.Enabled);
        Assert.Equal(FeatureSwitch.Manual, off.Switch);
        Assert.Equal(DegradationReason.FeatureDisabled, Call(Tier.Optional, "reviews").Reason);

        // Manual on beats the tier: under stress the feature stays on.
        _coordinator.Tell(new SetFeature("reviews", true), TestActor);
        ExpectMsg<FeatureStatus>();
        _signals.Current = new StressSignals(0.7, 0, 0, 0, []);
        Seconds(10, s => s.Level == StressLevel.Stressed);
        Assert.True(Call(Tier.Optional, "reviews").IsSuccess);

        _coordinator.Tell(new SetFeature("reviews", null), TestActor);
        var cleared = ExpectMsg<FeatureStatus>();
        Assert.Equal(FeatureSwitch.ByTier, cleared.Switch);
        Assert.False(cleared.Enabled);
        Assert.Equal(DegradationReason.FeatureDisabled, Call(Tier.Optional, "reviews").Reason);
        Assert.True(Call(Tier.Critical, "checkout").IsSuccess);

        _coordinator.Tell(new SetFeature("nope", false), TestActor);
        Assert.Contains("'nope'", ExpectMsg<UnknownFeature>().Message);
    }

    [Fact]
    public void A_feature_whose_dependency_keeps_failing_is_switched_off_for_its_cool_down_then_tried_again()
    {
        Start(o => o
            .AddDependency("recommendations", d => d.Breaker.FailureThreshold = 1)
            .AddFeature("recs", Tier.Important, f => { f.Dependency = "recommendations"; f.CoolDown = TimeSpan.FromSeconds(30); }));
        _dependencies.Tell(new GuardedCall<int>("recommendations", _ => throw new HttpRequestException("down")) { ReplyTo = TestActor });
        ExpectResult<int>();

        Seconds(3, s => s.Features.Single().Switch == FeatureSwitch.Temporary);
        var feature = _controls.Board.Current.Features.Single();
        Assert.False(feature.Enabled);
        Assert.Contains("keeps failing", feature.Reason);

        Seconds(35, s => s.Features.Single().Enabled);
        Assert.Equal(FeatureSwitch.ByTier, _controls.Board.Current.Features.Single().Switch);

        // It goes off again only if the breaker opens again; clearing the setting by hand ends a cool-down at once.
        _dependencies.Tell(new ResetBreaker("recommendations"), TestActor);
        ExpectMsg<BreakerCommandAccepted>();
        _dependencies.Tell(new GuardedCall<int>("recommendations", _ => throw new HttpRequestException("down again")) { ReplyTo = TestActor });
        ExpectResult<int>();
        Seconds(3, s => s.Features.Single().Switch == FeatureSwitch.Temporary);
        _coordinator.Tell(new SetFeature("recs", null), TestActor);
        Assert.True(ExpectMsg<FeatureStatus>().Enabled);
        Seconds(3);
        Assert.True(_controls.Board.Current.Features.Single().Enabled);
    }

    /// <summary>Two features on recommendations, one on notifications, each dependency's breaker opening on its first failure.</summary>
    private void StartWithFeaturesOnTwoDependencies() => Start(o => o
        .AddDependency("recommendations", d => d.Breaker.FailureThreshold = 1)
        .AddDependency("notifications", d => d.Breaker.FailureThreshold = 1)
        .AddFeature("recs", Tier.Optional, f => { f.Dependency = "recommendations"; f.CoolDown = TimeSpan.FromSeconds(30); })
        .AddFeature("recs-carousel", Tier.Important, f => { f.Dependency = "recommendations"; f.CoolDown = TimeSpan.FromSeconds(30); })
        .AddFeature("notes", Tier.Optional, f => { f.Dependency = "notifications"; f.CoolDown = TimeSpan.FromSeconds(30); }));

    /// <summary>Opens <paramref name="dependency"/>'s breaker with one failed call, and waits until its board shows the opening.</summary>
    private void OpenBreaker(string dependency)
    {
        _dependencies.Tell(GetDependencyDirectory.Instance, TestActor);
        var board = ExpectMsg<DependencyDirectory>().Handles[dependency].Breaker;
        var before = board.Openings;
        _dependencies.Tell(new GuardedCall<int>(dependency, _ => throw new HttpRequestException("down")) { ReplyTo = TestActor });
        ExpectResult<int>();
        AwaitCondition(() => board.Openings == before + 1 && board.State == BreakerState.Open, TimeSpan.FromSeconds(5));
    }

    private BreakerState Command(object command)
    {
        _dependencies.Tell(command, TestActor);
        return ExpectMsg<BreakerCommandAccepted>().State;
    }

    /// <summary>The board as the coordinator has it now (after every message sent to it before).</summary>
    private DegradationStatus Board()
    {
        _coordinator.Tell(GetDegradation.Instance, TestActor);
        return ExpectMsg<DegradationStatus>();
    }

    private static FeatureStatus Feature(DegradationStatus status, string name) => status.Features.Single(f => f.Name == name);

    /// <summary>Moves virtual time on second by second (one sample each), asserting after each that <paramref name="feature"/> is on by its tier.</summary>
    private void SecondsStaysOn(int seconds, params string[] features)
    {
        for (var s = 0; s < seconds; s++)
        {
            Advance(TimeSpan.FromSeconds(1));
            var status = Board();
            foreach (var feature in features)
            {
                var f = Feature(status, feature);
                Assert.True(f.Enabled && f.Switch == FeatureSwitch.ByTier, $"After {s + 1} s, {feature} is {f}");
            }
        }
    }

    private CallResult<string> CallFeature(string dependency, string feature)
    {
        _dependencies.Tell(new GuardedCall<string>(dependency, _ => Task.FromResult("live")) { Feature = feature, ReplyTo = TestActor });
        return ExpectResult<string>();
    }

    [Fact]
    public void An_operator_reset_ends_the_cool_down_of_every_feature_on_that_dependency_and_of_no_other()
    {
        StartWithFeaturesOnTwoDependencies();
        OpenBreaker("recommendations");
        OpenBreaker("notifications");
        Seconds(3, s => s.Features.All(f => f.Switch == FeatureSwitch.Temporary));
        Assert.Equal(DegradationReason.FeatureDisabled, CallFeature("recommendations", "recs").Reason);

        // At once: the coordinator hears of the reset before anything sent to it after the operator's answer.
        Assert.Equal(BreakerState.Closed, Command(new ResetBreaker("recommendations")));
        var status = Board();
        foreach (var name in new[] { "recs", "recs-carousel" })
        {
            var feature = Feature(status, name);
            Assert.True(feature.Enabled);
            Assert.Equal(FeatureSwitch.ByTier, feature.Switch);
            Assert.Null(feature.Until);
            Assert.Null(feature.Reason);
        }
        var notes = Feature(status, "notes");
        Assert.False(notes.Enabled);
        Assert.Equal(FeatureSwitch.Temporary, notes.Switch);
        Assert.True(CallFeature("recommendations", "recs").IsSuccess);
        Assert.True(CallFeature("recommendations", "recs-carousel").IsSuccess);
        Assert.Equal(DegradationReason.FeatureDisabled, CallFeature("notifications", "notes").Reason);

        // Later samples do not start the cool-down again from the opening before the reset.
        SecondsStaysOn(5, "recs", "recs-carousel");
        Assert.Equal(FeatureSwitch.Temporary, Feature(Board(), "notes").Switch);
        Assert.True(CallFeature("recommendations", "recs").IsSuccess);
    }

    [Fact]
    public void An_opening_the_coordinator_had_not_yet_seen_when_the_operator_reset_starts_no_cool_down_but_a_new_one_does()
    {
        StartWithFeaturesOnTwoDependencies();
        OpenBreaker("recommendations");
        Command(new ResetBreaker("recommendations")); // before any sample saw the opening
        SecondsStaysOn(5, "recs", "recs-carousel");

        // The reset is no pardon for later failures: a new opening starts a cool-down again.
        OpenBreaker("recommendations");
        Seconds(3, s => Feature(s, "recs").Switch == FeatureSwitch.Temporary);
        var status = Board();
        Assert.Equal(FeatureSwitch.Temporary, Feature(status, "recs-carousel").Switch);
        Assert.Contains("keeps failing", Feature(status, "recs").Reason);
        Assert.Equal(DegradationReason.FeatureDisabled, CallFeature("recommendations", "recs").Reason);

        // And a reset ends that one too.
        Command(new ResetBreaker("recommendations"));
        Assert.True(Feature(Board(), "recs").Enabled);
        SecondsStaysOn(3, "recs", "recs-carousel");
    }

    [Fact]
    public void A_breaker_isolated_by_hand_starts_no_cool_down_and_its_calls_say_it_is_isolated()
    {
        StartWithFeaturesOnTwoDependencies();
        Assert.Equal(BreakerState.Isolated, Command(new IsolateBreaker("recommendations")));
        SecondsStaysOn(5, "recs", "recs-carousel");
        var isolated = CallFeature("recommendations", "recs");
        Assert.Equal(DegradationReason.BreakerOpen, isolated.Reason);
        Assert.Contains("isolated by hand", isolated.Detail);

        // Opened by failures, then isolated before the coordinator sampled: the operator holds it now; no cool-down either.
        Command(new ResetBreaker("recommendations"));
        OpenBreaker("recommendations");
        Command(new IsolateBreaker("recommendations"));
        SecondsStaysOn(5, "recs", "recs-carousel");
        Assert.Contains("isolated by hand", CallFeature("recommendations", "recs").Detail);
        Command(new ResetBreaker("recommendations"));
        SecondsStaysOn(3, "recs", "recs-carousel");
        Assert.True(CallFeature("recommendations", "recs").IsSuccess);
    }

    [Fact]
    public void With_ten_times_more_optional_work_than_capacity_every_critical_call_succeeds_and_optional_is_shed_at_once()
    {
        Start(o => o.AddDependency("work", d =>
        {
            d.Bulkhead.MaxConcurrency = 200;
            d.Bulkhead.QueueCapacity = 0;
            d.Timeout = TimeSpan.FromMinutes(1);
        }), new AdmissionOptions { Enabled = true, Limit = 10, OptionalShare = 0.5, ImportantShare = 0.8 });
        _dependencies.Tell(GetDependencyDirectory.Instance, TestActor);
        var work = ExpectMsg<DependencyDirectory>().Handles["work"];
        var gate = new Gate();
        var optional = CreateTestProbe();

        Parallel.For(0, 100, _ => work.Tell(new GuardedCall<int>("work", ct => gate.Pass(0, ct)) { Tier = Tier.Optional }, optional));
        var shed = 0;
        for (var i = 0; i < 95; i++)
        {
            var r = optional.ExpectMsg<CallResult<int>>();
            Assert.Equal(DegradationReason.Shed, r.Reason);
            Assert.Equal(CallOutcome.Rejected, r.Outcome);
            shed++;
        }
        Assert.Equal(95, shed);
        Assert.Equal(5, _controls.Admission!.InFlight); // only OPTIONAL's share was taken; nothing queued

        var critical = CreateTestProbe();
        for (var i = 0; i < 5; i++) work.Tell(new GuardedCall<int>("work", _ => Task.FromResult(1)) { Tier = Tier.Critical }, critical);
        for (var i = 0; i < 5; i++) Assert.True(critical.ExpectMsg<CallResult<int>>().IsSuccess);

        gate.Open();
        for (var i = 0; i < 5; i++) Assert.True(optional.ExpectMsg<CallResult<int>>().IsSuccess);
        AwaitCondition(() => _controls.Admission.InFlight == 0, TimeSpan.FromSeconds(5));
        var snapshot = _controls.Admission.Snapshot();
        Assert.Equal(95, snapshot.ShedOptional);
        Assert.Equal(0, snapshot.ShedCritical);
    }
}
