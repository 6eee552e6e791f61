namespace Orchestrator.Contracts;

/// <summary>
/// The untyped facts of a finished call, from which <see cref="GuardedCall.ToResult"/> builds the typed result.
/// </summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Value">The answer (primary or fallback), when there is one.</param>
/// <param name="Reason">Why the primary answer is missing; <see cref="DegradationReason.None"/> on success.</param>
/// <param name="Source">Which fallback answered, for <see cref="CallOutcome.Fallback"/>.</param>
/// <param name="Error">The exception behind a failure, when there is one.</param>
/// <param name="Detail">A sentence a person can read, naming the dependency and the problem.</param>
/// <param name="Elapsed">Time from the call's arrival at its dependency to its answer.</param>
/// <param name="Attempts">How many times the work was started.</param>
public readonly record struct CallReport(
    CallOutcome Outcome,
    object? Value,
    DegradationReason Reason,
    FallbackSource? Source,
    Exception? Error,
    string? Detail,
    TimeSpan Elapsed,
    int Attempts)
{
    /// <summary>How current the value is.</summary>
    public ValueFreshness Freshness { get; init; }

    /// <summary>How old a cached value is; null for a live one.</summary>
    public TimeSpan? Age { get; init; }

    /// <summary>For a hedged call (one that started at least one hedge): the hedges and which attempt answered; null otherwise.</summary>
    public HedgeReport? Hedge { get; init; }

    /// <summary>The steps that did not answer before the one that did (primary first); empty when the primary answered.</summary>
    public IReadOnlyList<ChainStep> Trail { get; init; } = [];
}
