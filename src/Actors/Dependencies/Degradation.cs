using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// What a call gets when its primary answer is missing: its own fallback (run off the caller's and the actor's
/// threads, told the reason), else the dependency's default if its type fits, else a rejection (never ran) or a
/// failure (ran). Used by the dependency actor and by senders that the bulkhead gate turned away.
/// </summary>
internal static class Degradation
{
    /// <summary>The longest a fallback is given (a CancellationTokenSource cannot wait longer than about 49 days).</summary>
    private static readonly TimeSpan MaxLimit = TimeSpan.FromDays(1);

    /// <summary>The answer when the call has no fallback of its own.</summary>
    public static CallReport WithoutCallFallback(GuardedCall call, object? defaultFallback, DegradationReason reason,
        Exception? error, string detail, int attempts)
    {
        if (defaultFallback is not null && call.ResultType.IsInstanceOfType(defaultFallback))
            return new CallReport(CallOutcome.Fallback, defaultFallback, reason, FallbackSource.DependencyDefault, error, detail, TimeSpan.Zero, attempts);
        return new CallReport(attempts == 0 ? CallOutcome.Rejected : CallOutcome.Failed, null, reason, null, error, detail, TimeSpan.Zero, attempts);
    }

    /// <summary>Runs the call's own fallback, given at most <paramref name="limit"/> (its token is cancelled then).</summary>
    public static async Task<CallReport> RunCallFallbackAsync(GuardedCall call, DegradationReason reason, Exception? error,
        string detail, int attempts, TimeSpan limit)
    {
        await Task.Yield(); // never run user code on the caller's (or the actor's) thread
        try
        {
            using var cancellation = new CancellationTokenSource(limit <= TimeSpan.Zero ? TimeSpan.Zero : limit < MaxLimit ? limit : MaxLimit);
            var value = await call.InvokeFallbackAsync(new FallbackContext(call.Dependency, reason, error), cancellation.Token).ConfigureAwait(false);
            return new CallReport(CallOutcome.Fallback, value, reason, FallbackSource.CallFallback, error, detail, TimeSpan.Zero, attempts);
        }
        catch (Exception e)
        {
            return new CallReport(CallOutcome.Failed, null, reason, null, e,
                $"{detail} Its fallback failed too: {e.GetType().Name}: {e.Message}", TimeSpan.Zero, attempts);
        }
    }
}
