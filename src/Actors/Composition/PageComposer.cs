using Orchestrator.Actors.Client;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Composition;

/// <summary>
/// Runs several guarded calls in parallel under one absolute deadline and returns a partial response: each part
/// Succeeded, Degraded (with the fallback step that answered), Omitted (with the reason) or Refused (the caller's
/// error, as the dependency said). Every call carries
/// the deadline, so no work starts after it and running work is cancelled at it; and the composer itself stops
/// waiting at the deadline, so a page never takes much longer than its deadline whatever the dependencies do.
/// </summary>
public sealed class PageComposer(IGuardedCalls calls, TimeProvider? time = null)
{
    private readonly IGuardedCalls _calls = calls ?? throw new ArgumentNullException(nameof(calls));
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Composes <paramref name="parts"/> within <paramref name="budget"/> from now.</summary>
    public Task<ComposedResponse> ComposeAsync(TimeSpan budget, IReadOnlyList<PagePart> parts, CancellationToken cancellationToken = default)
    {
        if (budget <= TimeSpan.Zero || budget > GuardedCall.MaxTimeout)
            throw new ArgumentOutOfRangeException(nameof(budget), budget, $"The budget must be positive and at most {GuardedCall.MaxTimeout}.");
        return ComposeAsync(_time.GetUtcNow() + budget, parts, cancellationToken);
    }

    /// <summary>Composes <paramref name="parts"/> by <paramref name="deadline"/>.</summary>
    public async Task<ComposedResponse> ComposeAsync(DateTimeOffset deadline, IReadOnlyList<PagePart> parts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in parts)
            if (!names.Add(part.Name)) throw new ArgumentException($"Two parts are named '{part.Name}'.", nameof(parts));

        var started = _time.GetTimestamp();
        var running = parts.Select(p => p.RunAsync(_calls, deadline, cancellationToken)).ToArray();
        var left = deadline - _time.GetUtcNow();
        try
        {
            if (left > TimeSpan.Zero) await Task.WhenAll(running).WaitAsync(left, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The deadline came first: whatever has not answered is left out below.
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A part's task faulted; it is reported as omitted below.
        }

        var composed = parts.Select((part, i) => Part(part, running[i])).ToList();
        return new ComposedResponse(composed, deadline, _time.GetElapsedTime(started));
    }

    private static ComposedPart Part(PagePart part, Task<ICallResult> task)
    {
        if (!task.IsCompleted)
            return new ComposedPart(part.Name, part.Tier, PartStatus.Omitted, null, null, DegradationReason.DeadlineExceeded,
                $"'{part.Name}' had not answered by the deadline.");
        if (!task.IsCompletedSuccessfully)
            return new ComposedPart(part.Name, part.Tier, PartStatus.Omitted, null, null, DegradationReason.Error,
                $"'{part.Name}' failed: {task.Exception?.GetBaseException().Message}");

        var result = task.Result;
        return result.Outcome switch
        {
            CallOutcome.Succeeded when result.Freshness == ValueFreshness.Stale =>
                new ComposedPart(part.Name, part.Tier, PartStatus.Degraded, result.BoxedValue, result, DegradationReason.None, result.Detail),
            CallOutcome.Succeeded => new ComposedPart(part.Name, part.Tier, PartStatus.Succeeded, result.BoxedValue, result, DegradationReason.None, null),
            CallOutcome.Fallback => new ComposedPart(part.Name, part.Tier, PartStatus.Degraded, result.BoxedValue, result, result.Reason, result.Detail),
            CallOutcome.Refused => new ComposedPart(part.Name, part.Tier, PartStatus.Refused, null, result, DegradationReason.None, result.Detail),
            _ => new ComposedPart(part.Name, part.Tier, PartStatus.Omitted, null, result, result.Reason, result.Detail),
        };
    }
}
