using Akka.Actor;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// Where the caller's path delivers a call's answer: back to an awaiting caller (<see cref="Awaited{T}"/>), or told
/// to a reply-to (<see cref="Told{T}"/>). A call handed to the dependency's actor is asked of it for an awaiting
/// caller, and told to it with the reply-to as sender for a told call (the actor answers the reply-to itself).
/// </summary>
internal interface ICallerReply<T>
{
    /// <summary>Delivers the answer.</summary>
    ValueTask<CallResult<T>> Give(CallResult<T> result);

    /// <summary>Hands the call to the dependency's actor, which answers it.</summary>
    ValueTask<CallResult<T>> HandOver(DependencyHandle handle, object message, GuardedCall<T> call);
}

/// <summary>An awaiting caller: the answer is returned; a hand-over is an ask, waiting at most <paramref name="wait"/> (else as long as the dependency may need).</summary>
internal readonly struct Awaited<T>(TimeSpan? wait) : ICallerReply<T>
{
    public ValueTask<CallResult<T>> Give(CallResult<T> result) => new(result);

    public ValueTask<CallResult<T>> HandOver(DependencyHandle handle, object message, GuardedCall<T> call) => new(AskAsync(handle, message, call, wait));

    /// <summary>
    /// Asks the dependency's actor, at most as long as the dependency may need. The actor ends the call's span when
    /// it answers; a wait given up ends it here.
    /// </summary>
    private static async Task<CallResult<T>> AskAsync(DependencyHandle handle, object message, GuardedCall<T> call, TimeSpan? wait)
    {
        var options = message switch { AdmittedCall a => a.Options, RetryHandover h => h.Options, _ => null };
        var limit = wait ?? handle.LongestAnswerTime(call, handle.Time, DependencyHandle.Grace, options);
        try
        {
            return (CallResult<T>)await handle.Actor.Ask<ICallResult>(message, limit).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            var detail = $"The orchestrator did not answer the call to '{handle.Name}' within {limit.TotalMilliseconds:0} ms.";
            OrchestratorTracing.EndCallUnanswered(message switch { AdmittedCall a => a.Span, RetryHandover h => h.Span, _ => null }, detail);
            return new CallResult<T>(handle.Name, new CallReport(CallOutcome.Failed, null, DegradationReason.ActorFailure, null, e, detail, limit, 0));
        }
    }
}

/// <summary>A told call: the answer is told to <paramref name="replyTo"/>; a hand-over is told to the actor with <paramref name="replyTo"/> as its sender.</summary>
internal readonly struct Told<T>(IActorRef replyTo) : ICallerReply<T>
{
    /// <summary>Where the answer goes.</summary>
    public IActorRef ReplyTo => replyTo;

    public ValueTask<CallResult<T>> Give(CallResult<T> result)
    {
        replyTo.Tell(result);
        return default;
    }

    public ValueTask<CallResult<T>> HandOver(DependencyHandle handle, object message, GuardedCall<T> call)
    {
        handle.Actor.Tell(message, replyTo);
        return default;
    }
}
