using Microsoft.Extensions.Time.Testing;
using Orchestrator.Actors.Coordination;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Coordination;

/// <summary>
/// The stress evaluator at its edges: a score exactly on a threshold, each signal's weight, the CPU ceiling, and the
/// reasons each level gives (which threshold, which signals, which words). Defaults: Stressed at 0.6, left below
/// 0.4; Severe at 0.85, left below 0.7; CPU counts for at most 0.725.
/// </summary>
public sealed class StressEvaluatorEdgeTests
{
    private const string CpuCapped = "; CPU alone goes no further than Stressed";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
    private readonly StressOptions _options = new() { MinDwell = TimeSpan.FromSeconds(10) };

    private static StressSignals Saturated(double value) => new(value, 0, 0, 0, []);

    private StressEvaluator Evaluator() => new(_options, _time);

    /// <summary>Takes a sample after the dwell time, so a level may change.</summary>
    private StressLevel? After(StressEvaluator evaluator, StressSignals signals)
    {
        _time.Advance(_options.MinDwell);
        return evaluator.Evaluate(signals);
    }

    private StressEvaluator At(StressLevel level)
    {
        var evaluator = Evaluator();
        After(evaluator, Saturated(level == StressLevel.Severe ? 0.9 : 0.7));
        Assert.Equal(level, evaluator.Level);
        return evaluator;
    }

    [Fact]
    public void A_new_evaluator_is_normal_with_no_stress_named()
    {
        var evaluator = Evaluator();
        Assert.Equal((StressLevel.Normal, 0.0, "no stress"), (evaluator.Level, evaluator.Score, evaluator.Cause));
        Assert.Empty(evaluator.Reasons);
    }

    [Theory]
    [InlineData(StressLevel.Normal, 0.6, StressLevel.Stressed)]   // entering is "at or above"
    [InlineData(StressLevel.Normal, 0.85, StressLevel.Severe)]
    [InlineData(StressLevel.Stressed, 0.85, StressLevel.Severe)]
    [InlineData(StressLevel.Stressed, 0.4, null)]                // leaving is "below": 0.4 holds Stressed
    [InlineData(StressLevel.Severe, 0.7, null)]                  // and 0.7 holds Severe
    [InlineData(StressLevel.Severe, 0.69, StressLevel.Stressed)]
    [InlineData(StressLevel.Stressed, 0.39, StressLevel.Normal)]
    public void A_score_exactly_on_a_threshold_enters_and_holds(StressLevel from, double score, StressLevel? expected)
    {
        var evaluator = from == StressLevel.Normal ? Evaluator() : At(from);
        Assert.Equal(expected, After(evaluator, Saturated(score)));
    }

    [Theory]
    [InlineData(StressSignal.Saturation)]
    [InlineData(StressSignal.ErrorRate)]
    [InlineData(StressSignal.Latency)]
    [InlineData(StressSignal.ThreadPool)]
    [InlineData(StressSignal.Cpu)]
    public void Each_signal_is_multiplied_by_its_weight(StressSignal signal)
    {
        _options.SaturationWeight = _options.ErrorRateWeight = _options.LatencyWeight = _options.ProcessWeight = _options.CpuWeight = 0.5;
        var signals = signal switch
        {
            StressSignal.Saturation => new StressSignals(0.8, 0, 0, 0, []),
            StressSignal.ErrorRate => new StressSignals(0, 0.8, 0, 0, []),
            StressSignal.Latency => new StressSignals(0, 0, 0.8, 0, []),
            StressSignal.ThreadPool => new StressSignals(0, 0, 0, 0.8, []),
            _ => new StressSignals(0, 0, 0, 0, []) { Cpu = 0.8 },
        };
        Assert.Equal(0.4, Evaluator().ScoreOf(signals), 9);
    }

    [Fact]
    public void Cpu_is_capped_by_its_weighted_value_and_only_above_the_ceiling()
    {
        var evaluator = Evaluator();
        Assert.Equal(0.725, evaluator.CpuCeiling, 9);

        // Exactly at the ceiling: counted whole, nothing capped.
        var atCeiling = new StressSignals(0, 0, 0, 0, []) { Cpu = evaluator.CpuCeiling };
        Assert.Equal("CPU 73%", evaluator.Judge(atCeiling).Cause);

        // Weighted above the ceiling (0.4 x 2 = 0.8): capped, and the cause says so.
        _options.CpuWeight = 2;
        var (score, cause) = evaluator.Judge(new StressSignals(0, 0, 0, 0, []) { Cpu = 0.4 });
        Assert.Equal((0.725, "CPU 40%" + CpuCapped), (Math.Round(score, 9), cause));
    }

    [Fact]
    public void Entering_a_level_names_the_signals_at_or_above_its_entry_score_only()
    {
        // Stressed at 0.7: the saturation (exactly 0.6 would count too) is a reason; the error rate, 0.5, is not.
        var evaluator = Evaluator();
        Assert.Equal(StressLevel.Stressed, After(evaluator, new StressSignals(0.6, 0.5, 0, 0, [])));
        var reason = Assert.Single(evaluator.Reasons);
        Assert.Equal((StressSignal.Saturation, 0.6, 0.6, "bulkhead saturation 60%"), (reason.Signal, reason.Value, reason.Threshold, reason.Source));
    }

    [Fact]
    public void Stepping_down_names_the_signals_holding_the_lower_level_by_its_exit_score()
    {
        var evaluator = At(StressLevel.Severe);
        Assert.Equal(StressLevel.Stressed, After(evaluator, Saturated(0.5)));
        var reason = Assert.Single(evaluator.Reasons);
        Assert.Equal((StressSignal.Saturation, 0.5, 0.4), (reason.Signal, reason.Value, reason.Threshold));
    }

    [Fact]
    public void Normal_has_no_reasons_even_with_a_signal_above_an_exit_score()
    {
        var evaluator = Evaluator();
        After(evaluator, Saturated(0.5));
        Assert.Equal(StressLevel.Normal, evaluator.Level);
        Assert.Empty(evaluator.Reasons);
    }

    [Fact]
    public void A_signal_at_zero_is_never_a_reason_even_when_the_exit_score_is_zero()
    {
        _options.StressedExit = 0;
        var evaluator = At(StressLevel.Stressed);
        _time.Advance(TimeSpan.FromSeconds(1));
        evaluator.Evaluate(Saturated(0.3));
        var reason = Assert.Single(evaluator.Reasons);
        Assert.Equal((StressSignal.Saturation, 0.0), (reason.Signal, reason.Threshold));
    }

    [Fact]
    public void A_cpu_reason_above_the_ceiling_says_cpu_alone_goes_no_further_and_others_do_not()
    {
        var evaluator = Evaluator();
        Assert.Equal(StressLevel.Stressed, After(evaluator, new StressSignals(0, 0, 0, 0, []) { Cpu = 1.0 }));
        Assert.Equal("CPU 100%" + CpuCapped, Assert.Single(evaluator.Reasons).Source);

        // With CPU at 100% and a real sign of trouble, the other signal's reason is its own.
        Assert.Equal(StressLevel.Severe, After(evaluator, new StressSignals(0.9, 0, 0, 0, []) { Cpu = 1.0 }));
        Assert.Equal("bulkhead saturation 90%", Assert.Single(evaluator.Reasons).Source);
    }

    [Fact]
    public void A_cpu_reason_at_or_below_the_ceiling_is_not_said_to_be_capped()
    {
        var evaluator = Evaluator();
        Assert.Equal(StressLevel.Stressed, After(evaluator, new StressSignals(0, 0, 0, 0, []) { Cpu = evaluator.CpuCeiling }));
        Assert.Equal("CPU 73%", Assert.Single(evaluator.Reasons).Source);
    }

    [Fact]
    public void A_weighted_cpu_reason_above_the_ceiling_says_so()
    {
        _options.CpuWeight = 2;
        var evaluator = Evaluator();
        Assert.Equal(StressLevel.Stressed, After(evaluator, new StressSignals(0, 0, 0, 0, []) { Cpu = 0.4 }));
        Assert.Equal("CPU 40%" + CpuCapped, Assert.Single(evaluator.Reasons).Source);
    }
}
