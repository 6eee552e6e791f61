using Microsoft.Extensions.Time.Testing;
using Orchestrator.Actors.Breaker;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Policies;

/// <summary>
/// The breaker's inputs from outside its actor: successes counted on the callers' side and handed over in a batch
/// (<see cref="CircuitBreaker.RecordSuccesses"/>), and the board it publishes on, which may outlive a breaker.
/// </summary>
public sealed class CircuitBreakerBatchTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(10);
    private readonly FakeTimeProvider _time = new();

    private CircuitBreaker Create(Action<CircuitBreakerOptions>? configure = null, BreakerBoard? board = null)
    {
        var options = new CircuitBreakerOptions { FailureRatio = null };
        configure?.Invoke(options);
        return new CircuitBreaker(options, _time, board);
    }

    private static void Fail(CircuitBreaker breaker, int times)
    {
        for (var i = 0; i < times; i++) breaker.RecordFailure(Fast, BreakerPermit.Allowed);
    }

    [Fact]
    public void A_batch_of_successes_counts_in_the_window_and_ends_a_run_of_failures()
    {
        var breaker = Create();
        Fail(breaker, 4);
        breaker.RecordSuccesses(3, slow: 1);
        Assert.True(breaker.Snapshot() is { ConsecutiveFailures: 0, WindowCalls: 7, WindowFailures: 4, WindowSlowCalls: 1 });

        Fail(breaker, 4); // 4 in a row again, one short of the threshold of 5
        Assert.Equal(BreakerState.Closed, breaker.State);
        Fail(breaker, 1);
        Assert.Equal(BreakerState.Open, breaker.State);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void An_empty_batch_changes_nothing(int calls)
    {
        var breaker = Create();
        Fail(breaker, 4);
        breaker.RecordSuccesses(calls, slow: 0);
        Assert.True(breaker.Snapshot() is { ConsecutiveFailures: 4, WindowCalls: 4 });
        Fail(breaker, 1); // the run of failures was not broken
        Assert.Equal(BreakerState.Open, breaker.State);
    }

    [Fact]
    public void A_batch_of_slow_successes_opens_the_breaker_at_the_slow_call_ratio()
    {
        var breaker = Create(o =>
        {
            o.SlowCallDuration = TimeSpan.FromSeconds(1);
            o.SlowCallRatio = 0.5;
        });
        breaker.RecordSuccesses(10, slow: 4);
        Assert.Equal(BreakerState.Closed, breaker.State);
        breaker.RecordSuccesses(2, slow: 2); // 6 of 12
        Assert.Equal(BreakerState.Open, breaker.State);
    }

    [Fact]
    public void A_batch_does_not_count_while_open_or_half_open_only_probes_do()
    {
        var breaker = Create(o => o.ResetTimeout = TimeSpan.FromSeconds(10));
        Fail(breaker, 5);
        breaker.RecordSuccesses(50, slow: 0);
        Assert.True(breaker.Snapshot() is { State: BreakerState.Open, WindowCalls: 0 });

        _time.Advance(TimeSpan.FromSeconds(10));
        breaker.Refresh();
        breaker.RecordSuccesses(50, slow: 0);
        Assert.True(breaker.Snapshot() is { State: BreakerState.HalfOpen, WindowCalls: 0 });
    }

    [Fact]
    public void A_new_breaker_publishes_closed_on_the_board_it_is_given_even_one_left_open()
    {
        var board = new BreakerBoard();
        var now = _time.GetUtcNow();
        board.Publish(BreakerState.Open, round: 3, probes: 0, openUntil: now.AddMinutes(1), now);
        Assert.Equal(BreakerCheck.Rejects, board.Check(now));

        var breaker = Create(board: board);
        Assert.Same(board, breaker.Board);
        Assert.Equal(BreakerState.Closed, board.State);
        Assert.Equal(BreakerCheck.Passes, board.Check(now));
        Assert.Null(board.OpenUntil);
        Assert.True(breaker.IsCallPermitted);
    }
}
