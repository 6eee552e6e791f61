using System.Diagnostics;
using Akka.Actor;
using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Actors.Retry;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The caller's path of a call through a dependency's handle: the <see cref="CallPipeline"/> on the caller's side
/// (<see cref="CallerSide"/>); then, on the common path, the attempt run here (inline for an awaiting caller, on the
/// thread pool for a told call), judged, answered directly, its success left to the actor in a batch; a call turned
/// away walks the fallback chain here; what only the actor can do (the end of an open period, the cache and its
/// single flight, a queue wait, a retry) is handed to it.
/// </summary>
internal static class CallerPath
{
    /// <summary>Takes <paramref name="call"/> through the pipeline on the caller's side and answers it.</summary>
    public static Task<CallResult<T>> Call<T>(DependencyHandle handle, GuardedCall<T> call, TimeSpan? wait)
    {
        var arrived = handle.Time.GetTimestamp();
        handle.NoteTier(call.Tier);
        var caller = Activity.Current;
        var span = OrchestratorTracing.StartCall(handle.Name, call);
        try
        {
            var side = new CallerSide(handle);
            var verdict = CallPipeline.Admit(ref side, call);
            return verdict.Kind switch
            {
                VerdictKind.Run => Run(handle, call, verdict, arrived, span),
                VerdictKind.Defer => AskActor(handle, new AdmittedCall(call, verdict.Stage, verdict.Held, arrived, span), call, wait, span),
                _ => TurnedAway(handle, call, verdict, arrived, offload: false, span),
            };
        }
        finally
        {
            if (span is not null) Activity.Current = caller; // the call's span goes on with the call, not with the caller
        }
    }

    /// <summary>Takes <paramref name="call"/> through the pipeline; its answer is told to <paramref name="replyTo"/>. No user code runs on this thread.</summary>
    public static void Tell<T>(DependencyHandle handle, GuardedCall<T> call, IActorRef replyTo)
    {
        var arrived = handle.Time.GetTimestamp();
        handle.NoteTier(call.Tier);
        var caller = Activity.Current;
        var span = OrchestratorTracing.StartCall(handle.Name, call);
        try
        {
            var side = new CallerSide(handle);
            var verdict = CallPipeline.Admit(ref side, call);
            switch (verdict.Kind)
            {
                case VerdictKind.Run:
                    ThreadPool.UnsafeQueueUserWorkItem(new ToldCall<T>(handle, call, replyTo, verdict, arrived, span), preferLocal: false);
                    break;
                case VerdictKind.Defer:
                    handle.Actor.Tell(new AdmittedCall(call, verdict.Stage, verdict.Held, arrived, span), replyTo);
                    break;
                default:
                    Deliver(TurnedAway(handle, call, verdict, arrived, offload: true, span), replyTo);
                    break;
            }
        }
        finally
        {
            if (span is not null) Activity.Current = caller;
        }
    }

    /// <summary>A told call admitted to run: its attempt runs on the thread pool, never on the sender's thread.</summary>
    private sealed class ToldCall<T>(DependencyHandle handle, GuardedCall<T> call, IActorRef replyTo, Verdict admitted, long arrived, Activity? span)
        : IThreadPoolWorkItem
    {
        public void Execute()
        {
            if (span is not null) Activity.Current = span; // a work item does not flow the sender's context
            Deliver(Run(handle, call, admitted, arrived, span), replyTo);
        }
    }

    private static void Deliver<T>(Task<T> answer, IActorRef replyTo)
    {
        if (answer.IsCompletedSuccessfully) replyTo.Tell(answer.Result);
        else answer.PipeTo(replyTo);
    }

    // ---- the caller's side of a call ------------------------------------------------------------------------------

    /// <summary>Runs the admitted call's attempt here (its work inline, or on the dependency's own threads) and follows up.</summary>
    private static Task<CallResult<T>> Run<T>(DependencyHandle handle, GuardedCall<T> call, Verdict admitted, long arrived, Activity? span)
    {
        var attemptSpan = OrchestratorTracing.StartAttempt(span, handle.Name, 1); // current while the work starts: its own spans are its children
        var attempt = AttemptRunner.RunAsync(handle.Name, handle.WorkOf(call.Work), call.Deadline, call.Timeout ?? handle.Options.Timeout, handle.Time, handle.Pool, handle.Threads, started: arrived);
        if (attemptSpan is not null) Activity.Current = span;
        return attempt.IsCompletedSuccessfully
            ? FollowUp(handle, call, admitted, attempt.Result, arrived, span, attemptSpan)
            : FollowUpAsync(handle, call, admitted, attempt, arrived, span, attemptSpan);
    }

    private static async Task<CallResult<T>> FollowUpAsync<T>(DependencyHandle handle, GuardedCall<T> call, Verdict admitted, ValueTask<AttemptOutcome<T>> attempt,
        long arrived, Activity? span, Activity? attemptSpan) =>
        await FollowUp(handle, call, admitted, await attempt.ConfigureAwait(false), arrived, span, attemptSpan).ConfigureAwait(false);

    /// <summary>After an attempt on the caller's side: classification, then the answer, a hand-over for a retry, or the chain.</summary>
    private static Task<CallResult<T>> FollowUp<T>(DependencyHandle handle, GuardedCall<T> call, Verdict admitted, AttemptOutcome<T> outcome, long arrived,
        Activity? span, Activity? attemptSpan)
    {
        handle.ReleaseSlot();
        string? problem = null;
        var answerFailed = outcome.End == AttemptEnd.Answered
            && OutcomeClassifier.IsFailedAnswer(call.ShouldHandleResult, outcome.Value, handle.Options.Breaker, out problem);
        var judged = Judgement.Of(handle.Name, call, outcome, answerFailed, handle.Options.Breaker, out var endProblem);
        handle.WarnAbout(problem ?? endProblem);
        string? retryProblem = null;
        var retryable = judged.Class == OutcomeClass.Failure && RetryPolicy.IsRetryable(handle.Options.Retry, judged.Error!, out retryProblem);
        handle.WarnAbout(retryProblem);
        if (attemptSpan is not null) OrchestratorTracing.EndAttempt(attemptSpan, outcome.End.ToString(), judged.Class == OutcomeClass.Success, judged.Error);
        switch (CallPipeline.AfterAttempt(judged.Class, retryable))
        {
            case NextStep.Answer:
                RecordSuccess(handle, outcome.Duration, admitted);
                return Task.FromResult(AnswerSuccess(handle, call, outcome.Value, admitted.Held, elapsed: outcome.Duration, span)); // the attempt began at arrival
            case NextStep.AnswerWithoutChain:
                if (admitted.Permit == BreakerPermit.Probe) handle.Breaker.ReturnProbe(admitted.ProbeRound, handle.Options.Breaker.HalfOpenProbes);
                var ran = outcome.Started ? 1 : 0;
                return Task.FromResult((CallResult<T>)handle.Answer(call, new CallReport(judged.OutcomeWithoutChain(ran == 1), null, judged.Reason, null,
                    judged.Error, judged.Detail, TimeSpan.Zero, ran), admitted.Held, arrived, span));
            case NextStep.Retry:
                if (outcome.End == AttemptEnd.TimedOut) handle.Stats.CountTimeout();
                return AskActor(handle, new RetryHandover(call, admitted.Held, arrived, judged, outcome.Duration, admitted.Permit, admitted.ProbeRound, span), call, null, span);
            default:
                if (outcome.End == AttemptEnd.TimedOut) handle.Stats.CountTimeout();
                handle.Actor.Tell(new AttemptFailed(outcome.Duration, admitted.Permit, admitted.ProbeRound));
                return Chain(handle, call, new ChainRequest(call, judged.Reason, judged.Error, judged.Detail!, 1, Offload: false) { Span = span }, admitted.Held, arrived);
        }
    }

    /// <summary>A success for the breaker: a probe is told at once; other successes are counted and handed over in batches.</summary>
    private static void RecordSuccess(DependencyHandle handle, TimeSpan duration, Verdict admitted)
    {
        if (admitted.Permit == BreakerPermit.Probe)
        {
            handle.Actor.Tell(new ProbeSucceeded(duration, admitted.ProbeRound));
            return;
        }
        var slow = handle.Options.Breaker.SlowCallDuration is { } limit && duration >= limit;
        if (handle.Tally.Add(slow)) handle.Actor.Tell(SuccessesReady.Instance);
    }

    /// <summary>A call turned away by the pipeline before its attempt: the fallback chain, or a rejection without it.</summary>
    private static Task<CallResult<T>> TurnedAway<T>(DependencyHandle handle, GuardedCall<T> call, Verdict verdict, long arrived, bool offload, Activity? span)
    {
        var detail = handle.DetailFor(verdict.Reason, call);
        if (verdict.Kind == VerdictKind.Reject)
            return Task.FromResult((CallResult<T>)handle.Answer(call, new CallReport(CallOutcome.Rejected, null, verdict.Reason, null, null, detail, TimeSpan.Zero, 0),
                verdict.Held, arrived, span));
        return Chain(handle, call, new ChainRequest(call, verdict.Reason, null, detail, 0, offload) { Span = span }, verdict.Held, arrived);
    }

    private static Task<CallResult<T>> Chain<T>(DependencyHandle handle, GuardedCall<T> call, ChainRequest request, Holdings held, long arrived)
    {
        var walk = FallbackChain.Walk(handle, request);
        return walk.IsCompletedSuccessfully
            ? Task.FromResult((CallResult<T>)handle.Answer(call, walk.Result, held, arrived, request.Span))
            : ChainAsync(handle, call, walk, held, arrived, request.Span);
    }

    private static async Task<CallResult<T>> ChainAsync<T>(DependencyHandle handle, GuardedCall<T> call, ValueTask<CallReport> walk, Holdings held, long arrived,
        Activity? span) =>
        (CallResult<T>)handle.Answer(call, await walk.ConfigureAwait(false), held, arrived, span);

    /// <summary>
    /// Hands a call to the dependency's actor and waits for its answer, at most as long as the dependency may need.
    /// The actor ends the call's span when it answers; a wait given up ends it here.
    /// </summary>
    private static async Task<CallResult<T>> AskActor<T>(DependencyHandle handle, object message, GuardedCall<T> call, TimeSpan? wait, Activity? span)
    {
        var limit = wait ?? handle.LongestAnswerTime(call, handle.Time, DependencyHandle.Grace);
        try
        {
            return (CallResult<T>)await handle.Actor.Ask<ICallResult>(message, limit).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            var detail = $"The orchestrator did not answer the call to '{handle.Name}' within {limit.TotalMilliseconds:0} ms.";
            OrchestratorTracing.EndCallUnanswered(span, detail);
            return new CallResult<T>(handle.Name, new CallReport(CallOutcome.Failed, null, DegradationReason.ActorFailure, null, e, detail, limit, 0));
        }
    }

    /// <summary>The answer of a call whose first attempt succeeded on the caller's side (typed: nothing boxed).</summary>
    private static CallResult<T> AnswerSuccess<T>(DependencyHandle handle, GuardedCall<T> call, T value, Holdings held, TimeSpan elapsed, Activity? span)
    {
        handle.Release(held, elapsed, ran: true, succeeded: true);
        handle.Stats.Count(CallOutcome.Succeeded, elapsed);
        OrchestratorMetrics.CallAnswered(handle.Name, call.Tier, CallOutcome.Succeeded, DegradationReason.None, elapsed);
        OrchestratorTracing.EndCall(span, new CallReport(CallOutcome.Succeeded, null, DegradationReason.None, null, null, null, elapsed, 1));
        return new CallResult<T>(handle.Name, value, elapsed, 1);
    }
}
