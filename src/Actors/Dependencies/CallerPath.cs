using System.Diagnostics;
using Akka.Actor;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The caller's path of a call through a dependency's handle, the same for an awaiting caller and a told call (only
/// where the answer goes differs: <see cref="ICallerReply{T}"/>): the <see cref="CallPipeline"/> on the caller's side
/// (<see cref="CallerSide"/>); then, on the common path, the attempt run here (inline for an awaiting caller, on the
/// thread pool for a told call) and taken through the one <see cref="AttemptStage"/>; a success answered directly;
/// a call turned away walks the fallback chain here; what only the actor can do (the end of an open period, the
/// cache and its single flight, a queue wait, a retry) is handed to it.
/// </summary>
internal static class CallerPath
{
    /// <summary>
    /// Takes <paramref name="call"/> through the pipeline and returns its answer. <paramref name="cancellation"/>
    /// cancels the call's work (wherever it runs) and the wait, and the caller then gets an
    /// <see cref="OperationCanceledException"/>, as .NET's convention is.
    /// </summary>
    public static ValueTask<CallResult<T>> Call<T>(DependencyHandle handle, GuardedCall<T> call, TimeSpan? wait, CancellationToken cancellation)
    {
        if (cancellation.IsCancellationRequested) return ValueTask.FromCanceled<CallResult<T>>(cancellation);
        var answer = Enter(handle, call, new Awaited<T>(wait), cancellation);
        if (!cancellation.CanBeCanceled) return answer;
        return answer.IsCompletedSuccessfully ? CancelledOr(answer.Result, cancellation) : new(AwaitCancellable(answer, cancellation));
    }

    private static ValueTask<CallResult<T>> CancelledOr<T>(CallResult<T> result, CancellationToken cancellation) =>
        IsOwnCancellation(result, cancellation) ? ValueTask.FromCanceled<CallResult<T>>(cancellation) : new(result);

    private static async Task<CallResult<T>> AwaitCancellable<T>(ValueTask<CallResult<T>> answer, CancellationToken cancellation)
    {
        var result = await answer.AsTask().WaitAsync(cancellation).ConfigureAwait(false);
        return IsOwnCancellation(result, cancellation) ? throw new OperationCanceledException(cancellation) : result;
    }

    /// <summary>
    /// Whether <paramref name="result"/> is the caller's own cancellation: then the caller hears it as .NET's convention
    /// is; any other answer that came is given, even if the token was cancelled after.
    /// </summary>
    private static bool IsOwnCancellation<T>(CallResult<T> result, CancellationToken cancellation) =>
        result.Reason == DegradationReason.Cancelled && cancellation.IsCancellationRequested;

    /// <summary>Takes <paramref name="call"/> through the pipeline; its answer is told to <paramref name="replyTo"/>. No user code runs on this thread.</summary>
    public static void Tell<T>(DependencyHandle handle, GuardedCall<T> call, IActorRef replyTo) =>
        Watch(Enter(handle, call, new Told<T>(replyTo), default), handle, replyTo);

    /// <summary>
    /// A told call's answer is told by its path; should that path throw after it went asynchronous (a bug, or a
    /// throwing listener), the reply-to still hears, with the exception, instead of waiting for ever.
    /// </summary>
    private static void Watch<T>(ValueTask<CallResult<T>> told, DependencyHandle handle, IActorRef replyTo)
    {
        if (!told.IsCompletedSuccessfully) _ = WatchAsync(told.AsTask(), handle, replyTo);
    }

    private static async Task WatchAsync<T>(Task<CallResult<T>> told, DependencyHandle handle, IActorRef replyTo)
    {
        try
        {
            await told.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            replyTo.Tell(Unanswerable<T>(handle, e));
        }
    }

    private static CallResult<T> Unanswerable<T>(DependencyHandle handle, Exception e) =>
        new(handle.Name, new CallReport(CallOutcome.Failed, null, DegradationReason.ActorFailure, null, e,
            $"The call to '{handle.Name}' could not be answered: {e.GetType().Name}: {e.Message}", TimeSpan.Zero, 0));

    private static ValueTask<CallResult<T>> Enter<T, TReply>(DependencyHandle handle, GuardedCall<T> call, TReply reply, CancellationToken cancellation)
        where TReply : struct, ICallerReply<T>
    {
        var arrived = handle.Time.GetTimestamp();
        handle.NoteTier(call.Tier);
        var span = OrchestratorTracing.StartCall(handle.Name, call, out var caller);
        try
        {
            var side = new CallerSide(handle);
            var verdict = CallPipeline.Admit(ref side, call);
            var ticket = new Ticket(verdict.Held, arrived, span, cancellation);
            switch (verdict.Kind)
            {
                case VerdictKind.Run when reply is Told<T> told:
                    ThreadPool.UnsafeQueueUserWorkItem(new ToldAttempt<T>(handle, call, told, verdict, ticket), preferLocal: false);
                    return default;
                case VerdictKind.Run:
                    return Attempt(handle, call, reply, verdict, ticket);
                case VerdictKind.Defer:
                    return reply.HandOver(handle, new AdmittedCall(call, verdict.Stage, verdict.Held, arrived, span, cancellation) { Options = handle.Options }, call);
                case VerdictKind.Reject:
                    return reply.Give(Answer(handle, call, new CallReport(CallOutcome.Rejected, null, verdict.Reason, null, null,
                        handle.DetailFor(verdict.Reason, call), TimeSpan.Zero, 0), ticket));
                default:
                    return Chain(handle, call, reply, new ChainRequest(call, verdict.Reason, null, handle.DetailFor(verdict.Reason, call), 0,
                        Offload: reply is Told<T>) { Span = span }, ticket);
            }
        }
        finally
        {
            if (span is not null) Activity.Current = caller; // the call's span goes on with the call, not with the caller
        }
    }

    /// <summary>What a call on the caller's path carries from its arrival to its answer.</summary>
    private readonly record struct Ticket(Holdings Held, long Arrived, Activity? Span, CancellationToken Cancellation);

    /// <summary>A told call admitted to run: its attempt runs on the thread pool, never on the sender's thread.</summary>
    private sealed class ToldAttempt<T>(DependencyHandle handle, GuardedCall<T> call, Told<T> reply, Verdict admitted, Ticket ticket) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            if (ticket.Span is not null) Activity.Current = ticket.Span; // a work item does not flow the sender's context
            try
            {
                Watch(Attempt(handle, call, reply, admitted, ticket), handle, reply.ReplyTo);
            }
            catch (Exception e)
            {
                reply.ReplyTo.Tell(Unanswerable<T>(handle, e));
            }
        }
    }

    /// <summary>Runs the admitted call's attempt here (its work inline, or on the dependency's own threads), then the one post-attempt stage.</summary>
    private static ValueTask<CallResult<T>> Attempt<T, TReply>(DependencyHandle handle, GuardedCall<T> call, TReply reply, Verdict admitted, Ticket ticket)
        where TReply : struct, ICallerReply<T>
    {
        var attemptSpan = OrchestratorTracing.StartAttempt(ticket.Span, handle.Name, 1); // current while the work starts: its own spans are its children
        var attempt = AttemptRunner.RunAsync(handle.Name, handle.WorkOf(call.Work), call.Deadline, call.Timeout ?? handle.Options.Timeout, handle.Time,
            handle.Pool, handle.Threads, started: ticket.Arrived, ticket.Cancellation);
        if (attemptSpan is not null) Activity.Current = ticket.Span;
        return attempt.IsCompletedSuccessfully
            ? After(handle, call, reply, admitted, attempt.Result, ticket, attemptSpan)
            : AfterAsync(handle, call, reply, admitted, attempt, ticket, attemptSpan);
    }

    private static async ValueTask<CallResult<T>> AfterAsync<T, TReply>(DependencyHandle handle, GuardedCall<T> call, TReply reply, Verdict admitted,
        ValueTask<AttemptOutcome<T>> attempt, Ticket ticket, Activity? attemptSpan)
        where TReply : struct, ICallerReply<T> =>
        await After(handle, call, reply, admitted, await attempt.ConfigureAwait(false), ticket, attemptSpan).ConfigureAwait(false);

    /// <summary>After the attempt: <see cref="AttemptStage"/> decides; here only what is done with its decision.</summary>
    private static ValueTask<CallResult<T>> After<T, TReply>(DependencyHandle handle, GuardedCall<T> call, TReply reply, Verdict admitted,
        in AttemptOutcome<T> outcome, Ticket ticket, Activity? attemptSpan)
        where TReply : struct, ICallerReply<T>
    {
        var side = new CallerSide(handle);
        var ran = outcome.Started ? 1 : 0;
        var (step, judged) = AttemptStage.After(ref side, call, outcome, new AttemptTicket(admitted.Permit, admitted.ProbeRound, ran), attemptSpan);
        switch (step)
        {
            case NextStep.Answer:
                // The attempt began at arrival: its duration is the call's.
                return reply.Give(handle.Succeeded(call, outcome.Value, ticket.Held, outcome.Duration, ticket.Span));
            case NextStep.AnswerWithoutChain:
                return reply.Give(Answer(handle, call, judged.ReportWithoutChain(ran), ticket));
            case NextStep.Retry:
                return reply.HandOver(handle, new RetryHandover(call, ticket.Held, ticket.Arrived, judged, ticket.Span, ticket.Cancellation) { Options = handle.Options }, call);
            default:
                return Chain(handle, call, reply, new ChainRequest(call, judged.Reason, judged.Error, judged.Detail!, ran, Offload: reply is Told<T>)
                    { Span = ticket.Span }, ticket);
        }
    }

    private static CallResult<T> Answer<T>(DependencyHandle handle, GuardedCall<T> call, CallReport report, Ticket ticket) =>
        (CallResult<T>)handle.Answer(call, report, ticket.Held, ticket.Arrived, ticket.Span);

    private static ValueTask<CallResult<T>> Chain<T, TReply>(DependencyHandle handle, GuardedCall<T> call, TReply reply, ChainRequest request, Ticket ticket)
        where TReply : struct, ICallerReply<T>
    {
        var walk = FallbackChain.Walk(handle, request);
        return walk.IsCompletedSuccessfully ? reply.Give(Answer(handle, call, walk.Result, ticket)) : ChainAsync(handle, call, reply, walk, ticket);
    }

    private static async ValueTask<CallResult<T>> ChainAsync<T, TReply>(DependencyHandle handle, GuardedCall<T> call, TReply reply, ValueTask<CallReport> walk,
        Ticket ticket)
        where TReply : struct, ICallerReply<T> =>
        await reply.Give(Answer(handle, call, await walk.ConfigureAwait(false), ticket)).ConfigureAwait(false);
}
