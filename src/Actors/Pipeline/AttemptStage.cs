using System.Diagnostics;
using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Retry;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Pipeline;

/// <summary>What an attempt held and where it stands: its breaker permit, the round of a probe, and the attempts made so far.</summary>
/// <param name="Permit">Allowed, or a probe.</param>
/// <param name="Round">For a probe: its half-open round.</param>
/// <param name="Attempts">The attempts that ran so far, this one included (if it started).</param>
/// <param name="IsRefresh">A background refresh of the cache: never retried.</param>
internal readonly record struct AttemptTicket(BreakerPermit Permit, long Round, int Attempts, bool IsRefresh = false);

/// <summary>What follows an attempt, and the judgement it rests on.</summary>
internal readonly record struct PostAttempt(NextStep Step, Judgement Judged);

/// <summary>
/// The one stage after an attempt, for every way in (the typed client, ask, tell, a retry) and wherever the attempt
/// ran: its place given back, its outcome judged (<see cref="OutcomeClassifier"/>), its span ended, a timeout
/// counted, the retry decided (a failure of the dependency, transient, with attempts left), and the breaker told:
/// a success, a failure (before a retry or the fallback chain), or nothing for the caller's own fault or the
/// deadline (a probe then goes back). The side only says how a place is given back and how the breaker hears.
/// What is then done (the answer, the retry, the fallback chain) is the side's: <see cref="PostAttempt.Step"/>.
/// </summary>
internal static class AttemptStage
{
    public static PostAttempt After<TSide, T>(ref TSide side, GuardedCall call, in AttemptOutcome<T> outcome, in AttemptTicket ticket, Activity? attemptSpan)
        where TSide : struct, IAttemptSide
    {
        side.ReleaseSlot();
        var options = side.Options;
        string? problem = null;
        var answerFailed = outcome.End == AttemptEnd.Answered && IsFailedAnswer(call, outcome.Value, options.Breaker, out problem);
        var judged = Judgement.Of(side.Dependency, call, outcome, answerFailed, options.Breaker, out var endProblem);
        side.Warn(problem ?? endProblem);
        if (attemptSpan is not null) OrchestratorTracing.EndAttempt(attemptSpan, outcome.End.ToString(), judged.Class == OutcomeClass.Success, judged.Error);
        if (outcome.End == AttemptEnd.TimedOut) side.CountTimeout();

        string? retryProblem = null;
        var retryable = judged.Class == OutcomeClass.Failure && !ticket.IsRefresh && ticket.Attempts < options.Retry.MaxAttempts
            && RetryPolicy.IsRetryable(options.Retry, judged.Error!, out retryProblem);
        side.Warn(retryProblem);

        var step = CallPipeline.AfterAttempt(judged.Class, retryable);
        switch (step)
        {
            case NextStep.Answer:
                side.RecordSuccess(outcome.Duration, ticket.Permit, ticket.Round);
                break;
            case NextStep.AnswerWithoutChain:
                // The caller's fault or the deadline says nothing about the dependency: nothing recorded, a probe handed back.
                if (ticket.Permit == BreakerPermit.Probe) side.Board.ReturnProbe(ticket.Round);
                break;
            default:
                side.RecordFailure(outcome.Duration, ticket.Permit, ticket.Round);
                break;
        }
        return new PostAttempt(step, judged);
    }

    /// <summary>Whether the work's answer counts as a failure: typed by the call's own predicate when the answer's type is the call's, else boxed.</summary>
    private static bool IsFailedAnswer<T>(GuardedCall call, T value, CircuitBreakerOptions breaker, out string? problem) =>
        call is GuardedCall<T> typed
            ? OutcomeClassifier.IsFailedAnswer(typed.ShouldHandleResult, value, breaker, out problem)
            : OutcomeClassifier.IsFailedAnswer(call, value, breaker, out problem);
}
