namespace Orchestrator.Contracts;

/// <summary>One part of a composed response.</summary>
/// <param name="Name">The part's name ("profile", "recommendations").</param>
/// <param name="Tier">How much the part matters: only a CRITICAL part without a value fails the whole.</param>
/// <param name="Status">Succeeded, degraded or omitted.</param>
/// <param name="Value">The value, unless omitted.</param>
/// <param name="Result">The guarded call's result; null when the deadline cut the part off before it answered.</param>
/// <param name="Reason">Why the part is degraded or omitted.</param>
/// <param name="Detail">A sentence a person can read.</param>
public sealed record ComposedPart(string Name, Tier Tier, PartStatus Status, object? Value, ICallResult? Result, DegradationReason Reason, string? Detail)
{
    /// <summary>The fallback step that answered a degraded part.</summary>
    public FallbackSource? Source => Result?.Source;

    /// <summary>The value as <typeparamref name="T"/>, or default when there is none.</summary>
    public T? ValueAs<T>() => Value is T v ? v : default;
}
