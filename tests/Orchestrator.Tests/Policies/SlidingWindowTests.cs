using Orchestrator.Actors.Breaker;

namespace Orchestrator.Tests.Policies;

public sealed class SlidingWindowTests
{
    // Aligned to a 1 s bucket (a 10 s window has 10 buckets of 1 s).
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_new_window_is_empty()
    {
        var window = new SlidingWindow(Window);
        Assert.Equal((0, 0, 0), window.Totals(T0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_window_that_is_not_positive_is_refused(int seconds)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindow(TimeSpan.FromSeconds(seconds)));
        Assert.Equal("window", e.ParamName);
        Assert.StartsWith("The window must be positive.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_count_calls_failures_and_slow_calls()
    {
        var window = new SlidingWindow(Window);

        window.Record(T0, failed: false, slow: false);
        window.Record(T0, failed: true, slow: false);
        window.Record(T0, failed: false, slow: true);
        window.Record(T0, failed: true, slow: true);
        window.Record(T0, failed: true, slow: false);

        Assert.Equal((5, 3, 2), window.Totals(T0));
    }

    [Fact]
    public void Records_across_many_buckets_inside_the_window_all_count()
    {
        var window = new SlidingWindow(Window);
        for (var i = 0; i < 10; i++)
            window.Record(T0 + TimeSpan.FromMilliseconds(950 * i), failed: i % 2 == 0, slow: i % 5 == 0);

        Assert.Equal((10, 5, 2), window.Totals(T0 + TimeSpan.FromMilliseconds(950 * 9)));
    }

    [Fact]
    public void An_outcome_is_gone_once_a_whole_window_has_passed()
    {
        var window = new SlidingWindow(Window);
        window.Record(T0, failed: true, slow: true);

        Assert.Equal((1, 1, 1), window.Totals(T0 + Window - TimeSpan.FromTicks(1)));
        Assert.Equal((0, 0, 0), window.Totals(T0 + Window));
        Assert.Equal((0, 0, 0), window.Totals(T0 + TimeSpan.FromDays(3)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(500)]
    [InlineData(999)]
    public void Wherever_it_falls_in_a_bucket_an_outcome_counts_for_at_least_nine_tenths_of_the_window_and_at_most_the_window(int offsetMs)
    {
        var window = new SlidingWindow(Window);
        var at = T0 + TimeSpan.FromMilliseconds(offsetMs);
        window.Record(at, failed: true, slow: false);

        Assert.Equal(1, window.Totals(at).Calls);
        Assert.Equal(1, window.Totals(at + TimeSpan.FromSeconds(9) - TimeSpan.FromTicks(1)).Calls);
        Assert.Equal(0, window.Totals(at + Window).Calls);
    }

    [Fact]
    public void Old_outcomes_slide_out_while_recent_ones_stay()
    {
        var window = new SlidingWindow(Window);
        window.Record(T0, failed: true, slow: false);
        window.Record(T0, failed: true, slow: false);
        window.Record(T0 + TimeSpan.FromSeconds(5), failed: false, slow: true);

        Assert.Equal((3, 2, 1), window.Totals(T0 + TimeSpan.FromSeconds(9)));
        Assert.Equal((1, 0, 1), window.Totals(T0 + TimeSpan.FromSeconds(10)));
        Assert.Equal((1, 0, 1), window.Totals(T0 + TimeSpan.FromSeconds(14)));
        Assert.Equal((0, 0, 0), window.Totals(T0 + TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public void A_bucket_reused_after_a_full_turn_starts_from_zero()
    {
        var window = new SlidingWindow(Window);
        window.Record(T0, failed: true, slow: true);
        window.Record(T0, failed: true, slow: true);

        // Exactly one window later the same bucket slot is reused for a new time slice.
        var later = T0 + Window;
        window.Record(later, failed: false, slow: false);

        Assert.Equal((1, 0, 0), window.Totals(later));
    }

    [Fact]
    public void Totals_before_a_recorded_outcome_do_not_include_it()
    {
        var window = new SlidingWindow(Window);
        window.Record(T0 + TimeSpan.FromSeconds(5), failed: true, slow: false);

        Assert.Equal((0, 0, 0), window.Totals(T0));
    }

    [Fact]
    public void Clear_forgets_everything_and_the_window_keeps_working()
    {
        var window = new SlidingWindow(Window);
        for (var i = 0; i < 5; i++) window.Record(T0 + TimeSpan.FromSeconds(i), failed: true, slow: true);

        window.Clear();

        Assert.Equal((0, 0, 0), window.Totals(T0 + TimeSpan.FromSeconds(4)));
        window.Record(T0 + TimeSpan.FromSeconds(4), failed: false, slow: true);
        Assert.Equal((1, 0, 1), window.Totals(T0 + TimeSpan.FromSeconds(4)));
    }

    [Fact]
    public void A_long_pause_does_not_resurrect_stale_buckets()
    {
        var window = new SlidingWindow(Window);
        for (var i = 0; i < 10; i++) window.Record(T0 + TimeSpan.FromSeconds(i), failed: true, slow: false);

        var muchLater = T0 + TimeSpan.FromSeconds(1000);
        window.Record(muchLater, failed: false, slow: false);

        Assert.Equal((1, 0, 0), window.Totals(muchLater));
        Assert.Equal((1, 0, 0), window.Totals(muchLater + TimeSpan.FromSeconds(9)));
    }
}
