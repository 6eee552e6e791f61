using Orchestrator.Actors.Retry;

namespace Orchestrator.Tests.Policies;

public sealed class BackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(2);

    // ----- Ceiling -----

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(4, 800)]
    [InlineData(5, 1600)]
    public void The_ceiling_doubles_from_the_base_delay_with_each_retry(int retry, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Backoff.Ceiling(retry, Base, Max));

    [Theory]
    [InlineData(6)]    // 3.2 s uncapped
    [InlineData(7)]
    [InlineData(20)]
    [InlineData(64)]   // 2^63 times the base: far beyond long ticks
    [InlineData(2000)] // 2^1999 is infinite as a double
    [InlineData(int.MaxValue)]
    public void The_ceiling_is_capped_at_the_max_delay(int retry) =>
        Assert.Equal(Max, Backoff.Ceiling(retry, Base, Max));

    [Fact]
    public void A_ceiling_exactly_at_the_max_delay_is_the_max_delay()
    {
        var max = TimeSpan.FromMilliseconds(400);
        Assert.Equal(TimeSpan.FromMilliseconds(200), Backoff.Ceiling(2, Base, max));
        Assert.Equal(max, Backoff.Ceiling(3, Base, max));
        Assert.Equal(max, Backoff.Ceiling(4, Base, max));
    }

    [Fact]
    public void A_ceiling_just_below_the_max_delay_is_not_capped()
    {
        var max = TimeSpan.FromMilliseconds(400) + TimeSpan.FromTicks(1);
        Assert.Equal(TimeSpan.FromMilliseconds(400), Backoff.Ceiling(3, Base, max));
        Assert.Equal(max, Backoff.Ceiling(4, Base, max));
    }

    [Fact]
    public void The_ceiling_never_decreases_and_never_exceeds_the_max()
    {
        var previous = TimeSpan.Zero;
        for (var retry = 1; retry <= 100; retry++)
        {
            var ceiling = Backoff.Ceiling(retry, Base, Max);
            Assert.True(ceiling >= previous, $"retry {retry}: {ceiling} < {previous}");
            Assert.True(ceiling <= Max, $"retry {retry}: {ceiling} > {Max}");
            previous = ceiling;
        }
    }

    [Fact]
    public void The_ceiling_keeps_tick_precision()
    {
        var odd = TimeSpan.FromTicks(12_345);
        Assert.Equal(TimeSpan.FromTicks(12_345), Backoff.Ceiling(1, odd, TimeSpan.MaxValue));
        Assert.Equal(TimeSpan.FromTicks(12_345 * 8), Backoff.Ceiling(4, odd, TimeSpan.MaxValue));
    }

    [Fact]
    public void A_max_delay_equal_to_the_base_delay_means_a_constant_ceiling()
    {
        for (var retry = 1; retry <= 5; retry++)
            Assert.Equal(Base, Backoff.Ceiling(retry, Base, Base));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void A_retry_below_one_is_refused(int retry)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Ceiling(retry, Base, Max));
        Assert.Equal("retry", e.ParamName);
    }

    // ----- FullJitter -----

    [Theory]
    [InlineData(1, 0.5, 50)]
    [InlineData(2, 0.5, 100)]
    [InlineData(3, 0.25, 100)]
    [InlineData(4, 0.75, 600)]
    [InlineData(6, 0.5, 1000)]  // capped ceiling: 2 s
    [InlineData(30, 0.1, 200)]  // capped ceiling: 2 s
    public void Full_jitter_is_the_ceiling_times_the_draw(int retry, double draw, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Backoff.FullJitter(retry, Base, Max, draw));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(50)]
    public void A_draw_of_zero_gives_no_delay(int retry) =>
        Assert.Equal(TimeSpan.Zero, Backoff.FullJitter(retry, Base, Max, 0.0));

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(50)]
    public void The_largest_draw_stays_below_the_ceiling(int retry)
    {
        var largest = Math.BitDecrement(1.0);
        var ceiling = Backoff.Ceiling(retry, Base, Max);

        var delay = Backoff.FullJitter(retry, Base, Max, largest);

        Assert.True(delay <= ceiling, $"{delay} > {ceiling}");
        Assert.True(delay >= ceiling - TimeSpan.FromTicks(1), $"{delay} is far below {ceiling}");
    }

    [Fact]
    public void Full_jitter_spreads_over_the_whole_range_from_zero_to_the_ceiling()
    {
        var ceiling = Backoff.Ceiling(3, Base, Max);
        for (var i = 0; i < 100; i++)
        {
            var draw = i / 100.0;
            var delay = Backoff.FullJitter(3, Base, Max, draw);
            Assert.Equal(TimeSpan.FromTicks((long)(ceiling.Ticks * draw)), delay);
            Assert.InRange(delay, TimeSpan.Zero, ceiling);
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(-0.0001)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void A_draw_outside_zero_to_one_is_refused(double draw)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.FullJitter(1, Base, Max, draw));
        Assert.Equal("unitRandom", e.ParamName);
        Assert.StartsWith("A draw from [0, 1) is needed.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Full_jitter_refuses_a_retry_below_one_too()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.FullJitter(0, Base, Max, 0.5));
        Assert.Equal("retry", e.ParamName);
    }
}
