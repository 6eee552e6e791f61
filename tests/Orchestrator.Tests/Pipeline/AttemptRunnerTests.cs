using Microsoft.Extensions.Time.Testing;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Pipeline;

/// <summary>One attempt, run the same way wherever it runs: its limit, its token, and every way it can end (virtual time).</summary>
public sealed class AttemptRunnerTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
    private readonly CancellationPool _pool;

    public AttemptRunnerTests() => _pool = new CancellationPool(_time);

    private ValueTask<AttemptOutcome<int>> Run(Func<CancellationToken, Task<int>> work, TimeSpan? timeout = null, DateTimeOffset? deadline = null) =>
        AttemptRunner.RunAsync("d", work, deadline, timeout ?? TimeSpan.FromSeconds(1), _time, _pool, runOn: null, _time.GetTimestamp());

    [Fact]
    public async Task Work_that_answers_at_once_ends_at_once_on_this_thread()
    {
        var thread = Environment.CurrentManagedThreadId;
        var ranOn = 0;
        var attempt = Run(_ =>
        {
            ranOn = Environment.CurrentManagedThreadId;
            return Task.FromResult(42);
        });
        Assert.True(attempt.IsCompletedSuccessfully);
        Assert.Equal(new AttemptOutcome<int>(AttemptEnd.Answered, 42, null, TimeSpan.Zero, TimeSpan.FromSeconds(1)), await attempt);
        Assert.Equal(thread, ranOn);
    }

    [Fact]
    public async Task Work_that_throws_before_returning_a_task_is_an_outcome()
    {
        var attempt = Run(_ => throw new InvalidOperationException("boom"));
        Assert.True(attempt.IsCompletedSuccessfully);
        var outcome = await attempt;
        Assert.Equal(AttemptEnd.Threw, outcome.End);
        Assert.Equal("boom", outcome.Error!.Message);
    }

    [Fact]
    public async Task At_its_timeout_the_token_is_cancelled_and_the_attempt_ends_even_if_the_work_ignores_it()
    {
        CancellationToken seen = default;
        var never = new TaskCompletionSource<int>();
        var attempt = Run(token =>
        {
            seen = token;
            return never.Task; // ignores its token
        });
        Assert.False(attempt.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(attempt.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        var outcome = await attempt.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(seen.IsCancellationRequested);
        Assert.Equal(AttemptEnd.TimedOut, outcome.End);
        Assert.Equal(TimeSpan.FromSeconds(1), outcome.Duration);
        Assert.Contains("timed out after 1000 ms", Assert.IsType<TimeoutException>(outcome.Error).Message);
    }

    [Fact]
    public async Task A_deadline_shorter_than_the_timeout_is_the_limit_and_ends_as_a_cut()
    {
        var attempt = Run(async token =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, token);
            return 1;
        }, deadline: _time.GetUtcNow().AddMilliseconds(300));
        _time.Advance(TimeSpan.FromMilliseconds(300));

        var outcome = await attempt.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(AttemptEnd.CutByDeadline, outcome.End);
        Assert.Equal(TimeSpan.FromMilliseconds(300), outcome.Limit);
    }

    [Fact]
    public async Task A_deadline_already_past_never_starts_the_work()
    {
        var started = false;
        var attempt = Run(_ =>
        {
            started = true;
            return Task.FromResult(1);
        }, deadline: _time.GetUtcNow());
        var outcome = await attempt;
        Assert.Equal(AttemptEnd.NotStarted, outcome.End);
        Assert.False(outcome.Started);
        Assert.False(started);
    }

    [Fact]
    public async Task The_work_sees_the_calls_deadline_as_the_ambient_one_and_the_caller_never_does()
    {
        var deadline = _time.GetUtcNow().AddMinutes(1);
        DateTimeOffset? inside = null;
        await Run(_ =>
        {
            inside = GuardedCallContext.Deadline;
            return Task.FromResult(1);
        }, deadline: deadline);
        Assert.Equal(deadline, inside);
        Assert.Null(GuardedCallContext.Deadline);
    }

    [Fact]
    public async Task On_the_system_clock_a_source_that_ran_briefly_is_reused()
    {
        var pool = new CancellationPool(TimeProvider.System);
        CancellationToken first = default, second = default;
        await AttemptRunner.RunAsync("d", token => { first = token; return Task.FromResult(1); }, null, TimeSpan.FromSeconds(5), TimeProvider.System, pool, null,
            TimeProvider.System.GetTimestamp());
        await AttemptRunner.RunAsync("d", token => { second = token; return Task.FromResult(1); }, null, TimeSpan.FromSeconds(5), TimeProvider.System, pool, null,
            TimeProvider.System.GetTimestamp());
        Assert.Equal(first, second); // the same source, reset
        Assert.False(second.IsCancellationRequested);
    }

    [Fact]
    public async Task A_source_that_fired_is_never_handed_out_again()
    {
        var slow = Run(_ => new TaskCompletionSource<int>().Task);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(AttemptEnd.TimedOut, (await slow.AsTask().WaitAsync(TimeSpan.FromSeconds(5))).End);

        CancellationToken next = default;
        await Run(token => { next = token; return Task.FromResult(1); });
        Assert.False(next.IsCancellationRequested);
    }
}
