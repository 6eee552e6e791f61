using Orchestrator.Contracts;

namespace Orchestrator.Actors.Pipeline;

/// <summary>
/// Runs one attempt of a call's work, the same way wherever it runs (inline on the caller's side, on the thread
/// pool for the actor, on a dependency's own threads): under a limit of the call's timeout or the time left to its
/// deadline, whichever is shorter, with a token (pooled) that is cancelled at that limit; the attempt ends at the
/// limit even if the work ignores its token (its late end is not waited for). Nested guarded calls made by the work
/// inherit the deadline (<see cref="GuardedCallContext"/>). Never throws: every end is an <see cref="AttemptOutcome{T}"/>.
/// </summary>
internal static class AttemptRunner
{
    /// <summary>Runs <paramref name="work"/> once.</summary>
    /// <param name="dependency">The dependency's name (for the timeout's message).</param>
    /// <param name="work">The work.</param>
    /// <param name="deadline">The call's deadline, if any.</param>
    /// <param name="timeout">The attempt's timeout.</param>
    /// <param name="time">The clock of the timeout.</param>
    /// <param name="pool">Where the cancellation sources come from (their timers run on <paramref name="time"/>).</param>
    /// <param name="runOn">Where the work starts: null runs it on this thread; else on that scheduler.</param>
    /// <param name="started">When the attempt starts, as a timestamp of <paramref name="time"/> (a caller that just read it passes it on).</param>
    /// <param name="caller">The caller's token: cancelling it cancels the work, and the attempt ends <see cref="AttemptEnd.Cancelled"/>.</param>
    public static ValueTask<AttemptOutcome<T>> RunAsync<T>(string dependency, Func<CancellationToken, Task<T>> work, DateTimeOffset? deadline,
        TimeSpan timeout, TimeProvider time, CancellationPool pool, TaskScheduler? runOn, long started, CancellationToken caller = default)
    {
        var limit = timeout;
        var endsAtDeadline = false;
        if (deadline is { } d)
        {
            var left = d - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
                return new(new AttemptOutcome<T>(AttemptEnd.NotStarted, default!,
                    new TimeoutException($"The deadline of the call to '{dependency}' passed before it could start."), TimeSpan.Zero, TimeSpan.Zero));
            if (left < timeout)
            {
                limit = left;
                endsAtDeadline = true;
            }
        }

        var cancellation = pool.Rent(limit);
        // The caller's cancellation cancels the work too; the registration is undone before the source goes back to its pool.
        var link = caller.CanBeCanceled ? caller.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), cancellation) : default;
        var run = new Run(dependency, cancellation, started, limit, endsAtDeadline, deadline, time, pool, caller, link);
        Task<T> task;
        try
        {
            task = runOn is null ? Inline(work, deadline, cancellation.Token) : Elsewhere(work, deadline, cancellation.Token, runOn);
        }
        catch (Exception e)
        {
            return new(run.End<T>(null, e));
        }
        return task.IsCompleted ? new(run.End(task, null)) : AwaitAsync(task, run);
    }

    private static async ValueTask<AttemptOutcome<T>> AwaitAsync<T>(Task<T> task, Run run)
    {
        try
        {
            await task.WaitAsync(run.Cancellation.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Read from the task (or its absence) below.
        }
        return run.End(task, null);
    }

    /// <summary>Runs the work's synchronous part on this thread, with the call's deadline in the ambient context only meanwhile.</summary>
    private static Task<T> Inline<T>(Func<CancellationToken, Task<T>> work, DateTimeOffset? deadline, CancellationToken token)
    {
        if (GuardedCallContext.Deadline == deadline || ExecutionContext.Capture() is not { } outer) return work(token);
        GuardedCallContext.Enter(deadline);
        try
        {
            return work(token);
        }
        finally
        {
            ExecutionContext.Restore(outer);
        }
    }

    private static Task<T> Elsewhere<T>(Func<CancellationToken, Task<T>> work, DateTimeOffset? deadline, CancellationToken token, TaskScheduler scheduler) =>
        Task.Factory.StartNew(() =>
        {
            // Work queued behind busy threads may start after its attempt ended: do not start it then.
            token.ThrowIfCancellationRequested();
            GuardedCallContext.Enter(deadline);
            return work(token);
        }, CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap();

    /// <summary>One attempt in progress: what is needed to judge its end.</summary>
    private readonly record struct Run(string Dependency, CancellationTokenSource Cancellation, long Started, TimeSpan Limit, bool EndsAtDeadline,
        DateTimeOffset? Deadline, TimeProvider Time, CancellationPool Pool, CancellationToken Caller, CancellationTokenRegistration Link)
    {
        /// <summary>The outcome of <paramref name="task"/> (or of <paramref name="thrown"/>, when the work threw before returning one).</summary>
        public AttemptOutcome<T> End<T>(Task<T>? task, Exception? thrown)
        {
            var duration = Time.GetElapsedTime(Started);
            Link.Dispose();
            var cancelled = Cancellation.IsCancellationRequested;
            Pool.Return(Cancellation, duration, Limit);
            if (task is { IsCompletedSuccessfully: true })
                return new AttemptOutcome<T>(AttemptEnd.Answered, task.Result, null, duration, Limit);
            if (Caller.IsCancellationRequested)
                return new AttemptOutcome<T>(AttemptEnd.Cancelled, default!, new OperationCanceledException(
                    $"The caller cancelled the call to '{Dependency}' after {duration.TotalMilliseconds:0} ms; the work was cancelled.", Caller), duration, Limit);

            var error = thrown ?? task switch
            {
                { IsFaulted: true } => task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception,
                { IsCanceled: true } => new TaskCanceledException(task),
                _ => null, // still running: the limit came first
            };
            var ms = Limit.TotalMilliseconds;
            if (cancelled || error is null)
            {
                return EndsAtDeadline
                    ? new AttemptOutcome<T>(AttemptEnd.CutByDeadline, default!,
                        new TimeoutException($"The deadline of the call to '{Dependency}' passed after {ms:0} ms of work; the work was cancelled."), duration, Limit)
                    : new AttemptOutcome<T>(AttemptEnd.TimedOut, default!,
                        new TimeoutException($"The call to '{Dependency}' timed out after {ms:0} ms."), duration, Limit);
            }
            // A failure that came as the caller's deadline passed (a timer a little late, or a service giving up at the
            // deadline) says nothing about the dependency either.
            if (EndsAtDeadline && Deadline is { } deadline && Time.GetUtcNow() >= deadline)
                return new AttemptOutcome<T>(AttemptEnd.CutByDeadline, default!, error, duration, Limit);
            return new AttemptOutcome<T>(AttemptEnd.Threw, default!, error, duration, Limit);
        }
    }
}
