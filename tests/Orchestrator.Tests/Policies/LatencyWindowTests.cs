using Orchestrator.Actors.Hedging;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Policies;

/// <summary>The latencies a hedge's delay is taken from: a ring of the last answers, and its percentiles by the nearest rank.</summary>
public sealed class LatencyWindowTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void Percentiles_are_taken_by_the_nearest_rank()
    {
        var window = new LatencyWindow(100);
        Assert.Null(window.Percentile(50));
        for (var i = 1; i <= 100; i++) window.Add(Ms(i));
        Assert.Equal((Ms(1), Ms(50), Ms(95), Ms(100), Ms(100)),
            (window.Percentile(1)!.Value, window.Percentile(50)!.Value, window.Percentile(95)!.Value, window.Percentile(99.9)!.Value, window.Percentile(100)!.Value));
    }

    [Fact]
    public void Only_the_last_answers_count_once_the_ring_is_full()
    {
        var window = new LatencyWindow(16);
        for (var i = 0; i < 16; i++) window.Add(Ms(1000));
        Assert.Equal(Ms(1000), window.Percentile(50));
        for (var i = 0; i < 16; i++) window.Add(Ms(10)); // the slow ones are pushed out
        Assert.Equal(16, window.Count);
        Assert.Equal(Ms(10), window.Percentile(99));
    }

    [Fact]
    public void A_percentile_is_worked_out_again_after_a_sixteenth_of_the_window_changed()
    {
        var window = new LatencyWindow(160);
        for (var i = 0; i < 160; i++) window.Add(Ms(10));
        Assert.Equal(Ms(10), window.Percentile(50));
        for (var i = 0; i < 9; i++) window.Add(Ms(500));
        Assert.Equal(Ms(10), window.Percentile(99)); // fewer than 10 new: the sorted copy stands
        window.Add(Ms(500));
        Assert.Equal(Ms(500), window.Percentile(99)); // 10 of 160 slow: the 99th is one of them
    }

    [Fact]
    public void The_hedge_delay_is_the_fixed_delay_until_enough_answers_were_seen_then_the_percentile()
    {
        var options = new HedgingOptions { MaxHedges = 1, Delay = Ms(300), Percentile = 90 };
        var window = new LatencyWindow(HedgingOptions.LatencySamples);
        for (var i = 1; i < HedgingOptions.MinimumSamples; i++) window.Add(Ms(i));
        Assert.Equal(Ms(300), HedgeDelay.For(options, window));
        window.Add(Ms(HedgingOptions.MinimumSamples));
        Assert.Equal(Ms(18), HedgeDelay.For(options, window)); // the 90th of 1..20 ms
        Assert.Equal(Ms(300), HedgeDelay.For(new HedgingOptions { MaxHedges = 1, Delay = Ms(300) }, window)); // no percentile: the fixed delay
    }
}
