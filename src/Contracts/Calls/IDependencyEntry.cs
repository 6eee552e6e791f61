using Akka.Actor;

namespace Orchestrator.Contracts;

/// <summary>
/// Where a dependency takes calls in, seen from a <see cref="GuardedCall"/>: the typed entries that
/// <see cref="GuardedCall.CallThrough"/> and <see cref="GuardedCall.TellThrough"/> reach without boxing the answer.
/// Implemented by the dependency's handle.
/// </summary>
internal interface IDependencyEntry
{
    /// <summary>Runs <paramref name="call"/> and returns its result; <paramref name="wait"/> bounds a wait on the dependency's actor (null: as long as it may need).</summary>
    ValueTask<CallResult<T>> CallAsync<T>(GuardedCall<T> call, TimeSpan? wait, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="call"/> and tells its result to <paramref name="replyTo"/>.</summary>
    void Tell<T>(GuardedCall<T> call, IActorRef replyTo);
}
