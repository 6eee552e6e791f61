namespace Orchestrator.Actors.Pipeline;

/// <summary>How an attempt ended, before anyone judged it.</summary>
internal enum AttemptEnd : byte
{
    /// <summary>The work returned an answer.</summary>
    Answered,
    /// <summary>The work threw.</summary>
    Threw,
    /// <summary>The attempt reached its timeout; the work's token was cancelled and its late end is not waited for.</summary>
    TimedOut,
    /// <summary>The caller's deadline ended the attempt (it came before the timeout); the work's token was cancelled.</summary>
    CutByDeadline,
    /// <summary>The deadline had passed before the work could start: it never ran.</summary>
    NotStarted,
    /// <summary>The caller cancelled the call (its token): the work's token was cancelled and its end is not waited for.</summary>
    Cancelled,
}

/// <summary>One attempt's end: its answer or exception, and how long it ran.</summary>
/// <param name="End">How it ended.</param>
/// <param name="Value">The answer, for <see cref="AttemptEnd.Answered"/>.</param>
/// <param name="Error">The exception, for every other end (a <see cref="TimeoutException"/> for a timeout or a deadline).</param>
/// <param name="Duration">How long the attempt ran.</param>
/// <param name="Limit">The most it was given: the timeout, or the time left to the deadline when that was shorter.</param>
internal readonly record struct AttemptOutcome<T>(AttemptEnd End, T Value, Exception? Error, TimeSpan Duration, TimeSpan Limit)
{
    /// <summary>Whether the work ran at all.</summary>
    public bool Started => End != AttemptEnd.NotStarted;
}
