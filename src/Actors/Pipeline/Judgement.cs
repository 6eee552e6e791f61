using Orchestrator.Contracts;

namespace Orchestrator.Actors.Pipeline;

/// <summary>An attempt judged: its class, and for anything but a success the reason, the error and a sentence for the caller.</summary>
internal readonly record struct Judgement(OutcomeClass Class, DegradationReason Reason, Exception? Error, string? Detail)
{
    /// <summary>
    /// The outcome of an attempt answered without the fallback chain (<see cref="NextStep.AnswerWithoutChain"/>):
    /// <see cref="CallOutcome.Refused"/> for the caller's own error, else failed when the work ran, rejected when it never did.
    /// </summary>
    public CallOutcome OutcomeWithoutChain(bool ran) =>
        Class == OutcomeClass.CallersFault ? CallOutcome.Refused : ran ? CallOutcome.Failed : CallOutcome.Rejected;

    /// <summary>The report of an attempt answered without the fallback chain, after <paramref name="attempts"/> attempts.</summary>
    public CallReport ReportWithoutChain(int attempts) =>
        new(OutcomeWithoutChain(attempts > 0), null, Reason, null, Error, Detail, TimeSpan.Zero, attempts);

    /// <summary>
    /// Judges <paramref name="outcome"/> of a call to <paramref name="dependency"/> (see <see cref="OutcomeClassifier"/>);
    /// <paramref name="answerFailed"/> is the verdict on an answer (only read when the work answered).
    /// </summary>
    /// <remarks>When a user predicate throws, <c>problem</c> says what to log.</remarks>
    public static Judgement Of<T>(string dependency, GuardedCall call, in AttemptOutcome<T> outcome, bool answerFailed, CircuitBreakerOptions breaker,
        out string? problem)
    {
        problem = null;
        if (outcome.End == AttemptEnd.Answered)
        {
            if (!answerFailed) return new Judgement(OutcomeClass.Success, DegradationReason.None, null, null);
            var wrong = new FailedResultException(dependency, outcome.Value);
            return new Judgement(OutcomeClass.Failure, DegradationReason.Error, wrong, $"The call to '{dependency}' failed: {wrong.Message}");
        }

        var error = outcome.Error!;
        var ms = outcome.Limit.TotalMilliseconds;
        return OutcomeClassifier.ClassifyEnd(outcome.End, error, call, breaker, out problem) switch
        {
            OutcomeClass.DeadlineCut => new Judgement(OutcomeClass.DeadlineCut, DegradationReason.DeadlineExceeded, error, outcome.End switch
            {
                AttemptEnd.NotStarted => $"The deadline of the call to '{dependency}' passed before it could start.",
                _ when error is TimeoutException => $"The deadline of the call to '{dependency}' passed while it ran ({ms:0} ms); the work was cancelled.",
                _ => $"The deadline of the call to '{dependency}' passed while it ran; it ended with {error.GetType().Name}.",
            }),
            OutcomeClass.Cancelled => new Judgement(OutcomeClass.Cancelled, DegradationReason.Cancelled, error,
                $"The caller cancelled the call to '{dependency}'; the work was cancelled."),
            OutcomeClass.CallersFault => new Judgement(OutcomeClass.CallersFault, DegradationReason.None, error,
                $"'{dependency}' refused the request (the caller's error, not the dependency's failure): {error.Message}"),
            _ when outcome.End == AttemptEnd.TimedOut => new Judgement(OutcomeClass.Failure, DegradationReason.Timeout, error,
                $"The call to '{dependency}' timed out after {ms:0} ms; the work was cancelled."),
            _ => new Judgement(OutcomeClass.Failure, DegradationReason.Error, error,
                $"The call to '{dependency}' failed: {error.GetType().Name}: {error.Message}"),
        };
    }
}
