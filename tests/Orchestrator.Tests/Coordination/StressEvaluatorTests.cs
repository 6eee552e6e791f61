using Microsoft.Extensions.Time.Testing;
using Orchestrator.Actors.Coordination;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Coordination;

public sealed class StressEvaluatorTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
    private readonly StressOptions _options = new() { MinDwell = TimeSpan.FromSeconds(10) };

    private static StressSignals Saturated(double value) => new(value, 0, 0, 0, []);

    private StressEvaluator Evaluator() => new(_options, _time);

    /// <summary>Samples once a second for <paramref name="seconds"/> seconds, returning every level change.</summary>
    private List<StressLevel> Run(StressEvaluator evaluator, int seconds, Func<int, double> score)
    {
        var changes = new List<StressLevel>();
        for (var s = 0; s < seconds; s++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            if (evaluator.Evaluate(Saturated(score(s))) is { } level) changes.Add(level);
        }
        return changes;
    }

    [Fact]
    public void The_score_is_the_strongest_weighted_signal()
    {
        var evaluator = Evaluator();
        Assert.Equal(0.7, evaluator.ScoreOf(new StressSignals(0.2, 0.7, 0.1, 0.3, [])), 3);
        _options.ErrorRateWeight = 0.5;
        Assert.Equal(0.35, evaluator.ScoreOf(new StressSignals(0.2, 0.7, 0.1, 0.3, [])), 3);
        _options.ProcessWeight = 5;
        Assert.Equal(1, evaluator.ScoreOf(new StressSignals(0.2, 0.7, 0.1, 0.3, [])), 3);
    }

    [Fact]
    public void It_enters_stressed_then_severe_and_the_tiers_follow()
    {
        var evaluator = Evaluator();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(StressLevel.Stressed, evaluator.Evaluate(Saturated(0.7)));
        Assert.Equal([Tier.Optional], StressEvaluator.DisabledTiers(StressLevel.Stressed));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(StressLevel.Severe, evaluator.Evaluate(Saturated(0.9)));
        Assert.Equal([Tier.Important, Tier.Optional], StressEvaluator.DisabledTiers(StressLevel.Severe).Order());
        Assert.DoesNotContain(Tier.Critical, StressEvaluator.DisabledTiers(StressLevel.Severe));
    }

    [Fact]
    public void A_score_wobbling_around_the_threshold_does_not_flap()
    {
        var evaluator = Evaluator();
        // 0.59, 0.61, 0.59, 0.61 ... for two minutes: enters once, and the exit threshold (0.4) is never reached.
        var changes = Run(evaluator, 120, s => s % 2 == 0 ? 0.59 : 0.61);
        Assert.Equal([StressLevel.Stressed], changes);
    }

    [Fact]
    public void Without_hysteresis_a_wobble_around_the_exit_threshold_still_changes_at_most_once_per_dwell()
    {
        _options.StressedExit = 0.59;
        _options.StressedEnter = 0.6;
        var evaluator = Evaluator();
        var changes = Run(evaluator, 60, s => s % 2 == 0 ? 0.58 : 0.61);
        Assert.InRange(changes.Count, 1, 6); // every change waits out the 10 s dwell
    }

    [Fact]
    public void No_change_happens_before_the_dwell_time_has_passed()
    {
        var evaluator = Evaluator();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(StressLevel.Stressed, evaluator.Evaluate(Saturated(0.7)));
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Null(evaluator.Evaluate(Saturated(0.0)));
        Assert.Equal(StressLevel.Stressed, evaluator.Level);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(StressLevel.Normal, evaluator.Evaluate(Saturated(0.0)));
    }

    [Fact]
    public void Recovery_goes_one_step_at_a_time()
    {
        var evaluator = Evaluator();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(StressLevel.Severe, evaluator.Evaluate(Saturated(1.0)));

        var changes = Run(evaluator, 30, _ => 0.0);
        Assert.Equal([StressLevel.Stressed, StressLevel.Normal], changes);
        Assert.Equal(StressLevel.Normal, evaluator.Level);
    }

    [Fact]
    public void Severe_is_left_only_below_its_exit_threshold()
    {
        var evaluator = Evaluator();
        _time.Advance(TimeSpan.FromSeconds(10));
        evaluator.Evaluate(Saturated(0.9));
        Assert.Empty(Run(evaluator, 30, _ => 0.75)); // below 0.85 to enter, above 0.7 to leave
        Assert.Equal(StressLevel.Severe, evaluator.Level);
        Assert.Equal([StressLevel.Stressed], Run(evaluator, 30, _ => 0.65));
    }

    [Theory]
    [InlineData("StressedExit", 0.7, "Orchestrator:Stress:StressedExit (0.7) must be below StressedEnter (0.6)")]
    [InlineData("SevereEnter", 0.5, "Orchestrator:Stress:SevereEnter (0.5) must be above StressedEnter (0.6)")]
    [InlineData("StressedEnter", 1.5, "Orchestrator:Stress:StressedEnter must be between 0 and 1, not 1.5")]
    public void Bad_thresholds_are_refused_naming_the_setting(string setting, double value, string expected)
    {
        var options = new OrchestratorOptions();
        typeof(StressOptions).GetProperty(setting)!.SetValue(options.Stress, value);
        Assert.Contains(options.GetErrors(), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Cpu_alone_never_takes_a_node_past_stressed_however_long_it_lasts()
    {
        var evaluator = Evaluator();
        var changes = new List<StressLevel>();
        for (var s = 0; s < 300; s++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            if (evaluator.Evaluate(new StressSignals(0.1, 0, 0.1, 0, []) { Cpu = 1.0 }) is { } level) changes.Add(level);
        }

        Assert.Equal([StressLevel.Stressed], changes); // OPTIONAL goes off; IMPORTANT stays on
        Assert.Equal(evaluator.CpuCeiling, evaluator.Score, 3);
        Assert.True(evaluator.Score < _options.SevereEnter);
        Assert.StartsWith("CPU 100", evaluator.Cause);
        Assert.Contains("CPU alone goes no further than Stressed", evaluator.Cause);
    }

    [Fact]
    public void Cpu_with_a_real_sign_of_trouble_still_reaches_severe_and_the_cause_names_that_sign()
    {
        var evaluator = Evaluator();
        _time.Advance(TimeSpan.FromSeconds(10));
        var signals = new StressSignals(0.95, 0, 0, 0, []) { Cpu = 1.0, Sources = new Dictionary<StressSignal, string> { [StressSignal.Saturation] = "payments bulkhead 95% full (19 of 20)" } };
        Assert.Equal(StressLevel.Severe, evaluator.Evaluate(signals));
        Assert.Equal("bulkhead saturation 95% (payments bulkhead 95% full (19 of 20))", evaluator.Cause);
    }

    [Fact]
    public void The_cause_is_always_named_even_below_every_threshold()
    {
        var evaluator = Evaluator();
        _time.Advance(TimeSpan.FromSeconds(1));
        evaluator.Evaluate(new StressSignals(0.1, 0.3, 0.2, 0.05, []) { Cpu = 0.2 });
        Assert.Equal(0.3, evaluator.Score, 3);
        Assert.Equal("error rate 30%", evaluator.Cause);

        evaluator.Evaluate(StressSignals.Calm);
        Assert.Equal("no stress", evaluator.Cause);
    }

    [Fact]
    public void Every_level_above_normal_names_its_reasons_signal_value_and_threshold()
    {
        var evaluator = Evaluator();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(evaluator.Reasons);

        // Entering Severe: every signal at or above Severe's entry score, strongest first, each with its source.
        var signals = new StressSignals(0.9, 0.95, 0.2, 0, [])
        {
            Sources = new Dictionary<StressSignal, string>
            {
                [StressSignal.Saturation] = "payments bulkhead 90% full (27 of 30)",
                [StressSignal.ErrorRate] = "38 of 40 calls degraded at the dependency; payments: 38 of 40",
            },
        };
        Assert.Equal(StressLevel.Severe, evaluator.Evaluate(signals));
        var entered = _time.GetUtcNow();
        Assert.Equal(
            [(StressSignal.ErrorRate, 0.95, 0.85, "38 of 40 calls degraded at the dependency; payments: 38 of 40"), (StressSignal.Saturation, 0.9, 0.85, "payments bulkhead 90% full (27 of 30)")],
            evaluator.Reasons.Select(r => (r.Signal, r.Value!.Value, r.Threshold!.Value, r.Source)));
        Assert.Equal("error rate 95% at or above 85%: 38 of 40 calls degraded at the dependency; payments: 38 of 40", evaluator.Reasons[0].Description);

        // Held by hysteresis: the signals at or above Severe's exit score, measured now.
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(evaluator.Evaluate(Saturated(0.75)));
        var held = Assert.Single(evaluator.Reasons);
        Assert.Equal((StressSignal.Saturation, 0.75, 0.7, _time.GetUtcNow()), (held.Signal, held.Value!.Value, held.Threshold!.Value, held.MeasuredAt));

        // Held only by the dwell time: the last reasons that held it stay, with the time they were measured.
        var heldAt = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(evaluator.Evaluate(StressSignals.Calm));
        Assert.Equal(StressLevel.Severe, evaluator.Level);
        Assert.Equal(heldAt, Assert.Single(evaluator.Reasons).MeasuredAt);
        Assert.True(heldAt > entered);

        // Back to Normal (one step at a time): no reasons.
        Run(evaluator, 30, _ => 0);
        Assert.Equal(StressLevel.Normal, evaluator.Level);
        Assert.Empty(evaluator.Reasons);
    }
}
