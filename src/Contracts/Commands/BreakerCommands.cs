namespace Orchestrator.Contracts;

/// <summary>Opens a dependency's breaker by hand and keeps it open until <see cref="ResetBreaker"/>.</summary>
public sealed record IsolateBreaker(string Dependency);

/// <summary>Closes a dependency's breaker by hand and forgets its recent failures.</summary>
public sealed record ResetBreaker(string Dependency);

/// <summary>The answer to a breaker command: the state the breaker is now in.</summary>
public sealed record BreakerCommandAccepted(string Dependency, BreakerState State);

/// <summary>The answer to any message naming a dependency that is not declared.</summary>
/// <param name="Dependency">The name that was asked for.</param>
/// <param name="Known">The names that are declared.</param>
public sealed record UnknownDependency(string Dependency, IReadOnlyList<string> Known)
{
    /// <summary>A sentence naming the problem.</summary>
    public string Message => $"No dependency named '{Dependency}' is declared. Declared: {string.Join(", ", Known)}.";
}

/// <summary>
/// What a breaker command did, as the typed client answers it: <see cref="Accepted"/> with the breaker's
/// <see cref="State"/> now, or not, with <see cref="Error"/> naming the problem (an unknown dependency). Like a call's
/// result, a bad name is an answer, never an exception.
/// </summary>
/// <param name="Dependency">The dependency named in the command.</param>
/// <param name="State">The state the breaker is in now; null when the command was refused.</param>
/// <param name="Error">Why the command was refused; null when it was accepted.</param>
public sealed record BreakerCommandResult(string Dependency, BreakerState? State, string? Error)
{
    /// <summary>Whether the command was carried out.</summary>
    public bool Accepted => Error is null;
}
