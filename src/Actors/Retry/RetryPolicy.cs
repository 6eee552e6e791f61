using Orchestrator.Contracts;

namespace Orchestrator.Actors.Retry;

/// <summary>Which failures a dependency retries: its own predicate, else the transient ones and the types it names.</summary>
internal static class RetryPolicy
{
    /// <summary>
    /// Whether <paramref name="error"/> is worth another attempt under <paramref name="retry"/>: never when retries
    /// are off; <c>ShouldRetry</c> decides when set; else the transient failures (<see cref="TransientFailures"/>)
    /// and the types in <c>RetryOn</c>. A predicate that throws counts as "no", and <paramref name="problem"/> says so.
    /// </summary>
    public static bool IsRetryable(RetryOptions retry, Exception error, out string? problem)
    {
        problem = null;
        if (retry.MaxAttempts <= 1) return false;
        try
        {
            if (retry.ShouldRetry is { } shouldRetry) return shouldRetry(error);
        }
        catch (Exception e)
        {
            problem = $"Retry.ShouldRetry threw {e.GetType().Name}: {e.Message}; the failure is not retried";
            return false;
        }
        if (TransientFailures.IsTransient(error)) return true;
        for (var t = error.GetType(); t is not null; t = t.BaseType)
            if (retry.RetryOn.Contains(t.FullName ?? t.Name) || retry.RetryOn.Contains(t.Name)) return true;
        return false;
    }
}
