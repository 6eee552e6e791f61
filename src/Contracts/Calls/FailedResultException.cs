namespace Orchestrator.Contracts;

/// <summary>
/// The dependency answered, but its answer counts as a failure: a <c>ShouldHandleResult</c> predicate (of the call
/// or of the dependency's breaker) said so. It is the <see cref="ICallResult.Error"/> of such a call, and what
/// retry predicates and fallbacks are told.
/// </summary>
public sealed class FailedResultException(string dependency, object? answer)
    : Exception($"The answer of '{dependency}' counts as a failure (ShouldHandleResult): {Describe(answer)}.")
{
    /// <summary>The dependency that answered.</summary>
    public string Dependency { get; } = dependency;

    /// <summary>The answer that counts as a failure.</summary>
    public object? Answer { get; } = answer;

    private static string Describe(object? answer)
    {
        var text = answer?.ToString() ?? "null";
        return text.Length <= 200 ? text : text[..200] + "...";
    }
}
