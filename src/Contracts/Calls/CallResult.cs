namespace Orchestrator.Contracts;

/// <summary>The answer to any guarded call: what happened, and why.</summary>
public interface ICallResult
{
    /// <summary>The dependency that was called.</summary>
    string Dependency { get; }
    /// <summary>What happened.</summary>
    CallOutcome Outcome { get; }
    /// <summary>Why the primary answer is missing; <see cref="DegradationReason.None"/> on success and on a refusal.</summary>
    DegradationReason Reason { get; }
    /// <summary>Which fallback answered, for <see cref="CallOutcome.Fallback"/>.</summary>
    FallbackSource? Source { get; }
    /// <summary>The exception behind a failure, when there is one.</summary>
    Exception? Error { get; }
    /// <summary>A sentence a person can read, naming the dependency and the problem.</summary>
    string? Detail { get; }
    /// <summary>For <see cref="CallOutcome.Refused"/>: the dependency's status and message; null otherwise.</summary>
    CallRefusal? Refusal { get; }
    /// <summary>Time from the call's arrival at its dependency to its answer.</summary>
    TimeSpan Elapsed { get; }
    /// <summary>How many times the work was started.</summary>
    int Attempts { get; }
    /// <summary>The value, boxed; null when there is none.</summary>
    object? BoxedValue { get; }
    /// <summary>How current the value is.</summary>
    ValueFreshness Freshness { get; }
    /// <summary>How old a cached value is; null for a live one.</summary>
    TimeSpan? Age { get; }
    /// <summary>The steps that did not answer before the one that did (primary first).</summary>
    IReadOnlyList<ChainStep> Trail { get; }
    /// <summary>For a hedged call: the hedges started and which attempt answered; null for a call without hedges.</summary>
    HedgeReport? Hedge { get; }
}

/// <summary>The answer to a <see cref="GuardedCall{T}"/>.</summary>
/// <typeparam name="T">The type of the dependency's answer.</typeparam>
/// <remarks>
/// A value, as one is made for every call: an awaiting caller gets it without any allocation (it travels inside the
/// <see cref="ValueTask{TResult}"/>; it is boxed only when told to an actor). What only a degraded, rejected or cached
/// answer has (reason, source, error, detail, age, trail) is held apart, and a plain success carries none of it.
/// <c>default</c> is no result at all (its <see cref="Dependency"/> is null).
/// </remarks>
public readonly record struct CallResult<T> : ICallResult
{
    private readonly Particulars? _particulars;

    /// <summary>Builds a result from the facts of a finished call.</summary>
    public CallResult(string dependency, CallReport report)
    {
        Dependency = dependency;
        Outcome = report.Outcome;
        Value = report.Value switch
        {
            T v => v,
            null => default,
            var other => throw new InvalidCastException(
                $"The answer of '{dependency}' is a {other.GetType().FullName}, not the {typeof(T).FullName} the call asked for."),
        };
        Elapsed = report.Elapsed;
        Attempts = report.Attempts;
        Freshness = report.Freshness;
        var trail = report.Trail ?? [];
        if (report.Reason != DegradationReason.None || report.Source is not null || report.Error is not null || report.Detail is not null
            || report.Age is not null || trail.Count > 0 || report.Hedge is not null)
            _particulars = new Particulars(report.Reason, report.Source, report.Error, report.Detail, report.Age, trail, report.Hedge);
    }

    /// <summary>A success: the dependency answered <paramref name="value"/> (built on the caller's side without boxing).</summary>
    internal CallResult(string dependency, T value, TimeSpan elapsed, int attempts)
    {
        Dependency = dependency;
        Outcome = CallOutcome.Succeeded;
        Value = value;
        Elapsed = elapsed;
        Attempts = attempts;
    }

    /// <inheritdoc />
    public string Dependency { get; }
    /// <inheritdoc />
    public CallOutcome Outcome { get; }
    /// <summary>The answer, primary or fallback; default when there is none.</summary>
    public T? Value { get; }
    /// <inheritdoc />
    public DegradationReason Reason => _particulars?.Reason ?? DegradationReason.None;
    /// <inheritdoc />
    public FallbackSource? Source => _particulars?.Source;
    /// <inheritdoc />
    public Exception? Error => _particulars?.Error;
    /// <inheritdoc />
    public string? Detail => _particulars?.Detail;
    /// <inheritdoc />
    public CallRefusal? Refusal => Outcome == CallOutcome.Refused ? CallRefusal.From(Error, Detail) : null;
    /// <inheritdoc />
    public TimeSpan Elapsed { get; }
    /// <inheritdoc />
    public int Attempts { get; }
    /// <inheritdoc />
    public ValueFreshness Freshness { get; }
    /// <inheritdoc />
    public TimeSpan? Age => _particulars?.Age;
    /// <inheritdoc />
    public IReadOnlyList<ChainStep> Trail => _particulars?.Trail ?? [];
    /// <inheritdoc />
    public HedgeReport? Hedge => _particulars?.Hedge;

    /// <summary>True when the dependency itself answered.</summary>
    public bool IsSuccess => Outcome == CallOutcome.Succeeded;

    /// <summary>True when the dependency said no to the caller's request (see <see cref="Refusal"/>).</summary>
    public bool IsRefused => Outcome == CallOutcome.Refused;

    /// <summary>True when there is a value to use: the primary answer or a fallback.</summary>
    public bool HasValue => Outcome is CallOutcome.Succeeded or CallOutcome.Fallback;

    /// <inheritdoc />
    object? ICallResult.BoxedValue => Value;

    /// <inheritdoc />
    public override string ToString() =>
        Outcome == CallOutcome.Succeeded
            ? $"{Dependency}: Succeeded in {Elapsed.TotalMilliseconds:0.#} ms"
            : $"{Dependency}: {Outcome} ({Reason}{(Source is { } s ? $", from {s}" : "")}) in {Elapsed.TotalMilliseconds:0.#} ms: {Detail}";

    /// <summary>What only some results have.</summary>
    private sealed record Particulars(DegradationReason Reason, FallbackSource? Source, Exception? Error, string? Detail, TimeSpan? Age,
        IReadOnlyList<ChainStep> Trail, HedgeReport? Hedge);
}
