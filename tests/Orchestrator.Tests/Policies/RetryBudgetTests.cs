using Microsoft.Extensions.Time.Testing;
using Orchestrator.Actors.Retry;

namespace Orchestrator.Tests.Policies;

public sealed class RetryBudgetTests
{
    // A whole second, so that a 10 s window's 1 s buckets line up with the start.
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(Start);

    private RetryBudget Create(double ratio, int floor, TimeSpan? window = null) =>
        new(ratio, floor, window ?? Window, _time);

    private static void Attempts(RetryBudget budget, int n)
    {
        for (var i = 0; i < n; i++) budget.RecordAttempt();
    }

    private static int WithdrawAll(RetryBudget budget, int tries = 1000)
    {
        var taken = 0;
        for (var i = 0; i < tries; i++)
            if (budget.TryWithdraw()) taken++;
        return taken;
    }

    [Fact]
    public void A_new_budget_has_nothing_counted()
    {
        Assert.Equal((0, 0), Create(0.1, 3).Totals());
    }

    // ----- the floor -----

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void The_floor_allows_retries_with_no_attempts_at_all(int floor)
    {
        var budget = Create(0.1, floor);

        for (var i = 0; i < floor; i++) Assert.True(budget.TryWithdraw(), $"retry {i + 1} of a floor of {floor}");
        Assert.False(budget.TryWithdraw());
        Assert.Equal((0, floor), budget.Totals());
    }

    [Fact]
    public void With_no_floor_and_no_attempts_no_retry_is_allowed()
    {
        var budget = Create(0.5, 0);
        Assert.False(budget.TryWithdraw());
        Assert.Equal((0, 0), budget.Totals());
    }

    [Fact]
    public void A_zero_ratio_allows_only_the_floor_however_many_attempts()
    {
        var budget = Create(0.0, 2);
        Attempts(budget, 1000);

        Assert.Equal(2, WithdrawAll(budget));
        Assert.Equal((1000, 2), budget.Totals());
    }

    // ----- the ratio -----

    [Theory]
    [InlineData(0.5, 0, 4, 2)]
    [InlineData(0.5, 0, 5, 2)]   // 2.5 allowed: the third retry would be over
    [InlineData(0.5, 0, 6, 3)]
    [InlineData(0.1, 0, 10, 1)]
    [InlineData(0.1, 0, 9, 0)]
    [InlineData(0.1, 3, 20, 5)]  // the floor and the ratio add up
    [InlineData(0.1, 3, 100, 13)]
    [InlineData(0.25, 0, 3, 0)]
    [InlineData(0.25, 0, 4, 1)]
    [InlineData(1.0, 0, 7, 7)]
    [InlineData(2.0, 1, 3, 7)]
    [InlineData(10.0, 0, 2, 20)]
    public void Retries_are_allowed_up_to_the_floor_plus_the_ratio_of_the_attempts(double ratio, int floor, int attempts, int expected)
    {
        var budget = Create(ratio, floor);
        Attempts(budget, attempts);

        Assert.Equal(expected, WithdrawAll(budget));
        Assert.Equal((attempts, expected), budget.Totals());
    }

    [Fact]
    public void More_attempts_make_room_for_more_retries()
    {
        var budget = Create(0.5, 0);

        budget.RecordAttempt();
        Assert.False(budget.TryWithdraw());

        budget.RecordAttempt();
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());

        budget.RecordAttempt();
        Assert.False(budget.TryWithdraw()); // 1.5 allowed, 1 taken

        budget.RecordAttempt();
        Assert.True(budget.TryWithdraw());
        Assert.Equal((4, 2), budget.Totals());
    }

    [Fact]
    public void A_denied_withdrawal_takes_nothing()
    {
        var budget = Create(1.0, 1);
        Assert.True(budget.TryWithdraw());

        for (var i = 0; i < 50; i++) Assert.False(budget.TryWithdraw());
        Assert.Equal((0, 1), budget.Totals());

        // Had the denials been counted, one more attempt would not be enough for one more retry.
        budget.RecordAttempt();
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());
        Assert.Equal((1, 2), budget.Totals());
    }

    [Fact]
    public void Withdrawals_do_not_count_as_attempts()
    {
        var budget = Create(1.0, 5);
        Assert.Equal(5, WithdrawAll(budget));
        Assert.Equal((0, 5), budget.Totals());
    }

    // ----- the window -----

    [Fact]
    public void Retries_slide_out_of_the_window_and_free_the_budget()
    {
        var budget = Create(0.0, 2);
        Assert.True(budget.TryWithdraw());
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());

        _time.Advance(Window - TimeSpan.FromTicks(1));
        Assert.False(budget.TryWithdraw());
        Assert.Equal((0, 2), budget.Totals());

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal((0, 0), budget.Totals());
        Assert.True(budget.TryWithdraw());
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());
        Assert.Equal((0, 2), budget.Totals());
    }

    [Fact]
    public void Attempts_slide_out_of_the_window_and_take_their_share_with_them()
    {
        var budget = Create(1.0, 0);
        Attempts(budget, 3);
        Assert.Equal((3, 0), budget.Totals());

        _time.Advance(Window - TimeSpan.FromTicks(1));
        Assert.Equal((3, 0), budget.Totals());

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal((0, 0), budget.Totals());
        Assert.False(budget.TryWithdraw());
    }

    [Fact]
    public void Only_the_attempts_and_retries_inside_the_window_count()
    {
        var budget = Create(0.5, 0);
        Attempts(budget, 4);                       // at 0 s
        Assert.Equal(2, WithdrawAll(budget));      // at 0 s

        _time.Advance(TimeSpan.FromSeconds(5));
        Attempts(budget, 2);                       // at 5 s
        Assert.Equal((6, 2), budget.Totals());
        Assert.True(budget.TryWithdraw());         // 3 allowed, 2 taken: the third at 5 s
        Assert.False(budget.TryWithdraw());

        _time.Advance(TimeSpan.FromSeconds(5));    // 10 s: what happened at 0 s is gone
        Assert.Equal((2, 1), budget.Totals());
        Assert.False(budget.TryWithdraw());        // 1 allowed (half of 2), 1 taken at 5 s

        _time.Advance(TimeSpan.FromSeconds(5));    // 15 s: everything is gone
        Assert.Equal((0, 0), budget.Totals());
        Assert.False(budget.TryWithdraw());
    }

    [Fact]
    public void A_burst_of_retries_after_an_idle_spell_gets_the_floor_again()
    {
        var budget = Create(0.1, 3);
        Attempts(budget, 10);
        Assert.Equal(4, WithdrawAll(budget));

        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal((0, 0), budget.Totals());
        Assert.Equal(3, WithdrawAll(budget));
    }

    [Fact]
    public void The_window_given_is_the_one_used()
    {
        var budget = Create(0.0, 1, TimeSpan.FromSeconds(2));
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(budget.TryWithdraw());
    }

    // ----- arguments -----

    [Theory]
    [InlineData(-0.01)]
    [InlineData(-1.0)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.NaN)]
    public void A_ratio_below_zero_or_not_a_number_is_refused(double ratio)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBudget(ratio, 3, Window, _time));
        Assert.Equal("ratio", e.ParamName);
        Assert.StartsWith("The ratio must be 0 or more.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_floor_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBudget(0.1, -1, Window, _time));
        Assert.Equal("minRetries", e.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_window_that_is_not_positive_is_refused(int seconds)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBudget(0.1, 3, TimeSpan.FromSeconds(seconds), _time));
        Assert.Equal("window", e.ParamName);
    }

    [Fact]
    public void A_missing_clock_is_refused()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new RetryBudget(0.1, 3, Window, null!));
        Assert.Equal("time", e.ParamName);
    }

    [Fact]
    public void Zero_ratio_and_zero_floor_are_allowed_and_mean_no_retries()
    {
        var budget = Create(0.0, 0);
        Attempts(budget, 100);
        Assert.False(budget.TryWithdraw());
        Assert.Equal((100, 0), budget.Totals());
    }

    // ----- rounding -----

    [Theory]
    [InlineData(0.29, 100, 29)]
    [InlineData(0.57, 100, 57)]
    [InlineData(0.58, 100, 58)]
    public void A_ratio_of_the_attempts_is_not_cut_short_by_rounding(double ratio, int attempts, int expected)
    {
        var budget = Create(ratio, 0);
        Attempts(budget, attempts);

        Assert.Equal(expected, WithdrawAll(budget));
    }

    // ----- a change of options at run time -----

    [Fact]
    public void A_new_ratio_and_floor_apply_to_the_counts_already_in_the_window()
    {
        var budget = Create(0.1, 0);
        Attempts(budget, 100);
        Assert.Equal(10, WithdrawAll(budget));
        budget.Reconfigure(0.2, 1, Window); // same window: the 100 attempts and 10 retries are kept
        Assert.Equal((100, 10), budget.Totals());
        Assert.Equal(11, WithdrawAll(budget)); // 1 + 0.2 x 100 = 21 in all
    }

    [Fact]
    public void A_new_window_starts_empty_and_bad_values_are_refused()
    {
        var budget = Create(0.5, 0);
        Attempts(budget, 10);
        budget.Reconfigure(0.5, 0, TimeSpan.FromSeconds(20));
        Assert.Equal((0, 0), budget.Totals());
        Assert.Equal(0, WithdrawAll(budget));
        Assert.Contains("The ratio must be 0 or more.", Assert.Throws<ArgumentOutOfRangeException>(() => budget.Reconfigure(-0.1, 0, Window)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => budget.Reconfigure(double.NaN, 0, Window));
        Assert.Throws<ArgumentOutOfRangeException>(() => budget.Reconfigure(0.1, -1, Window));
    }

    [Fact]
    public void A_ratio_of_zero_leaves_the_floor_alone()
    {
        var budget = Create(0.5, 0);
        Attempts(budget, 100);
        budget.Reconfigure(0, 2, Window);
        Assert.Equal(2, WithdrawAll(budget));
    }
}
