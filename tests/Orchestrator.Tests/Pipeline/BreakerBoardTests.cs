using Microsoft.Extensions.Time.Testing;
using Orchestrator.Actors.Breaker;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Pipeline;

/// <summary>The breaker's published state: what callers read without a message, and half-open probes handed out by compare-and-swap.</summary>
public sealed class BreakerBoardTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

    private CircuitBreaker HalfOpen(int probes)
    {
        var breaker = new CircuitBreaker(new CircuitBreakerOptions { FailureThreshold = 1, HalfOpenProbes = probes, ResetTimeout = TimeSpan.FromSeconds(10) }, _time);
        breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Allowed);
        _time.Advance(TimeSpan.FromSeconds(10));
        breaker.Refresh();
        Assert.Equal(BreakerState.HalfOpen, breaker.Board.State);
        return breaker;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    public void Under_concurrency_exactly_the_configured_number_of_probes_is_handed_out(int probes)
    {
        var board = HalfOpen(probes).Board;
        var taken = 0;
        var round = board.Round;
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 1000; i++)
            {
                if (!board.TryTakeProbe(out var r)) continue;
                Assert.Equal(round, r);
                Interlocked.Increment(ref taken);
            }
        });
        Assert.Equal(probes, taken);
        Assert.Equal(0, board.ProbesLeft);
        Assert.Equal(BreakerCheck.Rejects, board.Check(_time.GetUtcNow()));
    }

    [Fact]
    public void A_probe_given_back_can_be_taken_again_but_only_in_its_own_round()
    {
        var breaker = HalfOpen(1);
        var board = breaker.Board;
        Assert.True(board.TryTakeProbe(out var first));
        board.ReturnProbe(first, probesPerRound: 1);
        Assert.True(board.TryTakeProbe(out var again));
        Assert.Equal(first, again);

        breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Probe, again); // reopens
        _time.Advance(TimeSpan.FromSeconds(10));
        breaker.Refresh();                                                 // a new round
        board.ReturnProbe(first, probesPerRound: 1);                       // a late give-back of the old round
        Assert.Equal(1, board.ProbesLeft);
        Assert.True(board.TryTakeProbe(out var next));
        Assert.NotEqual(first, next);
        Assert.False(board.TryTakeProbe(out _));
    }

    [Fact]
    public void Probes_given_back_never_exceed_the_round_and_closed_or_open_hand_out_none()
    {
        var breaker = HalfOpen(2);
        var board = breaker.Board;
        board.ReturnProbe(board.Round, probesPerRound: 2); // nothing was taken
        Assert.Equal(2, board.ProbesLeft);

        breaker.Reset();
        Assert.False(board.TryTakeProbe(out _));
        breaker.Isolate();
        Assert.False(board.TryTakeProbe(out _));
        Assert.Equal(BreakerCheck.Rejects, board.Check(_time.GetUtcNow().AddYears(1)));
    }

    [Fact]
    public void An_open_board_rejects_within_its_open_period_and_then_says_it_is_due_without_moving()
    {
        var breaker = new CircuitBreaker(new CircuitBreakerOptions { FailureThreshold = 1, ResetTimeout = TimeSpan.FromSeconds(10) }, _time);
        var board = breaker.Board;
        var opened = _time.GetUtcNow();
        breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Allowed);

        Assert.Equal(BreakerState.Open, board.State);
        Assert.Equal(opened, board.OpenedAt);
        Assert.Equal(opened.AddSeconds(10), board.OpenUntil);
        Assert.Equal(1, board.Openings);
        Assert.Equal(BreakerCheck.Rejects, board.Check(opened.AddSeconds(9)));
        Assert.NotEqual(BreakerCheck.Defer, board.Check(opened.AddSeconds(9)));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.NotEqual(BreakerCheck.Rejects, board.Check(_time.GetUtcNow()));
        Assert.Equal(BreakerCheck.Defer, board.Check(_time.GetUtcNow()));
        Assert.Equal(BreakerState.Open, board.State); // reading never moves it

        breaker.Follow("n/a"); // not closed: no move
        breaker.Reset();
        Assert.True(breaker.Follow("the cluster says so"));
        Assert.Null(board.OpenUntil); // following: open without an end of its own
        Assert.Equal(BreakerCheck.Rejects, board.Check(_time.GetUtcNow().AddYears(1)));
        Assert.Equal(2, board.Openings);
    }

    [Fact]
    public void A_caller_that_read_open_as_the_owner_moved_on_is_told_the_period_ended_so_it_hands_over_rather_than_rejects()
    {
        var breaker = new CircuitBreaker(new CircuitBreakerOptions { FailureThreshold = 1, ResetTimeout = TimeSpan.FromSeconds(10) }, _time);
        var board = breaker.Board;
        breaker.RecordFailure(TimeSpan.Zero, BreakerPermit.Allowed);
        var (state, _) = board.Read(); // a caller reads the state: open
        Assert.Equal(BreakerState.Open, state);

        _time.Advance(TimeSpan.FromSeconds(10));
        breaker.Refresh(); // meanwhile its owner's timer moves it to half-open

        // Asked now, with the time it read before the end, the caller learns the period is over: it hands the call to the owner.
        Assert.True(board.OpenPeriodEndedAt(_time.GetUtcNow().AddSeconds(-5)));
        Assert.NotEqual(BreakerCheck.Defer, board.Check(_time.GetUtcNow())); // not open any more
    }
}
