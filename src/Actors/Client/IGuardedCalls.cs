using Orchestrator.Contracts;

namespace Orchestrator.Actors.Client;

/// <summary>
/// Guarded calls for code that is not an actor (an ASP.NET handler, a background service). Resolve it from
/// dependency injection after <c>services.AddGuardedCalls()</c>.
/// </summary>
public interface IGuardedCalls
{
    /// <summary>
    /// Sends <paramref name="call"/> and waits for its result; never throws for a dependency's failure. On the
    /// common path it completes at once, allocating nothing of its own (await it once, as any <see cref="ValueTask{TResult}"/>).
    /// </summary>
    /// <param name="call">The call.</param>
    /// <param name="cancellationToken">Cancels the call: its work (wherever it runs) and the wait; the caller then gets an <see cref="OperationCanceledException"/>.</param>
    ValueTask<CallResult<T>> CallAsync<T>(GuardedCall<T> call, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="work"/> against <paramref name="dependency"/> with the dependency's defaults.</summary>
    ValueTask<CallResult<T>> CallAsync<T>(string dependency, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default);

    /// <summary>The status of every dependency.</summary>
    Task<OrchestratorStatus> StatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens a dependency's breaker by hand; an unknown name is a refused result naming the declared ones.</summary>
    Task<BreakerCommandResult> IsolateAsync(string dependency, CancellationToken cancellationToken = default);

    /// <summary>Closes a dependency's breaker by hand; an unknown name is a refused result naming the declared ones.</summary>
    Task<BreakerCommandResult> ResetAsync(string dependency, CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes a dependency's options while it runs (<see cref="ChangeDependencyOptions"/>): <paramref name="change"/> gets a
    /// copy of the options in force; valid, the change takes effect on the next call (the breaker's state kept); invalid,
    /// nothing changes and the result names every problem. An unknown name is a refused result naming the declared ones.
    /// </summary>
    Task<OptionsChangeResult> ChangeOptionsAsync(string dependency, Action<DependencyOptions> change, CancellationToken cancellationToken = default);
}
