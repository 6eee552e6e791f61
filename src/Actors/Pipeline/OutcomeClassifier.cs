using Orchestrator.Contracts;

namespace Orchestrator.Actors.Pipeline;

/// <summary>
/// Decides what an attempt's outcome says about the dependency, like Polly's <c>ShouldHandle</c>: the call's own
/// predicates first (<c>GuardedCall.ShouldHandle</c>, <c>ShouldHandleResult</c>), then the dependency's
/// (<c>Breaker.ShouldHandle</c>, its exception lists, <c>Breaker.ShouldHandleResult</c>), then the defaults: every
/// exception counts except the caller's own faults (<see cref="CircuitBreakerOptions.IsCallersFault"/>), and every
/// answer is a success. Timeouts always count; a cut by the caller's deadline never does. A predicate that throws
/// counts the outcome as a failure (the safe side: a bug in a predicate must not hide an outage). Pure and thread-safe.
/// </summary>
internal static class OutcomeClassifier
{
    /// <summary>Classifies an attempt that ended without an answer.</summary>
    /// <remarks>When a user predicate throws, <c>problem</c> says what to log.</remarks>
    public static OutcomeClass ClassifyEnd(AttemptEnd end, Exception? error, GuardedCall call, CircuitBreakerOptions breaker, out string? problem)
    {
        problem = null;
        switch (end)
        {
            case AttemptEnd.NotStarted or AttemptEnd.CutByDeadline:
                return OutcomeClass.DeadlineCut;
            case AttemptEnd.Cancelled:
                return OutcomeClass.Cancelled;
            case AttemptEnd.TimedOut:
                return OutcomeClass.Failure;
            case AttemptEnd.Answered:
                return OutcomeClass.Success;
        }
        try
        {
            var counts = call.ShouldHandle is { } own ? own(error!) : breaker.Handles(error!);
            return counts ? OutcomeClass.Failure : OutcomeClass.CallersFault;
        }
        catch (Exception e)
        {
            problem = $"ShouldHandle threw {e.GetType().Name}: {e.Message}; the exception counts as a failure";
            return OutcomeClass.Failure;
        }
    }

    /// <summary>
    /// Whether an answer counts as a failure: by the call's own verdict (<paramref name="byCall"/>, null when it has
    /// no predicate), else by the dependency's <c>Breaker.ShouldHandleResult</c>.
    /// </summary>
    public static bool IsFailedAnswer<T>(Func<T, bool>? byCall, T value, CircuitBreakerOptions breaker, out string? problem)
    {
        problem = null;
        if (byCall is null && breaker.ShouldHandleResult is null) return false;
        try
        {
            return byCall is not null ? byCall(value) : breaker.ShouldHandleResult!(value);
        }
        catch (Exception e)
        {
            problem = $"ShouldHandleResult threw {e.GetType().Name}: {e.Message}; the answer counts as a failure";
            return true;
        }
    }

    /// <summary>Whether a boxed answer counts as a failure, for a call whose result type is not known here.</summary>
    public static bool IsFailedAnswer(GuardedCall call, object? value, CircuitBreakerOptions breaker, out string? problem)
    {
        problem = null;
        try
        {
            if (call.CountsAsFailure(value) is { } byCall) return byCall;
            return breaker.ShouldHandleResult is { } byDependency && byDependency(value);
        }
        catch (Exception e)
        {
            problem = $"ShouldHandleResult threw {e.GetType().Name}: {e.Message}; the answer counts as a failure";
            return true;
        }
    }
}
