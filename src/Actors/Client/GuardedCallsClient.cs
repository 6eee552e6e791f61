using Akka.Actor;
using Akka.Hosting;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Client;

/// <summary>
/// <see cref="IGuardedCalls"/> over asks. The client fetches the <see cref="DependencyDirectory"/> once and then
/// asks each dependency's actor directly through its <see cref="DependencyHandle"/> (one hop; a full bulkhead is
/// answered without any message). The ask waits at most until the call's deadline, or else the longest the
/// dependency can take (queue wait, every attempt and backoff, the fallback chain), plus <see cref="Grace"/>;
/// the dependency actor always answers before that, so the limit only matters if the actor system is gone.
/// </summary>
public sealed class GuardedCallsClient : IGuardedCalls
{
    private readonly IActorRef? _dependencies;
    private readonly IRequiredActor<DependencySupervisor>? _required;
    private readonly TimeProvider _time;
    private Task<DependencyDirectory>? _directory;

    /// <summary>Extra time given to the orchestrator beyond the call's own limits.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    /// <summary>A client that talks to <paramref name="dependencies"/> (the dependencies supervisor).</summary>
    public GuardedCallsClient(IActorRef dependencies, TimeProvider? time = null)
    {
        _dependencies = dependencies ?? throw new ArgumentNullException(nameof(dependencies));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A client that finds the dependencies supervisor in the Akka.Hosting registry.</summary>
    public GuardedCallsClient(IRequiredActor<DependencySupervisor> required, TimeProvider? time = null)
    {
        _required = required ?? throw new ArgumentNullException(nameof(required));
        _time = time ?? TimeProvider.System;
    }

    private async ValueTask<IActorRef> Target(CancellationToken ct) =>
        _dependencies ?? await _required!.GetAsync(ct).ConfigureAwait(false);

    private Task<DependencyDirectory> Directory(CancellationToken ct)
    {
        var known = _directory;
        if (known is { IsCompletedSuccessfully: true }) return known;
        var fetch = FetchDirectory(ct);
        Interlocked.CompareExchange(ref _directory, fetch, known);
        return fetch;
    }

    private async Task<DependencyDirectory> FetchDirectory(CancellationToken ct)
    {
        var target = await Target(ct).ConfigureAwait(false);
        return await target.Ask<DependencyDirectory>(GetDependencyDirectory.Instance, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<CallResult<T>> CallAsync<T>(GuardedCall<T> call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.ReplyTo is not null)
            throw new ArgumentException("A call sent through the client is answered to the client; do not set ReplyTo.", nameof(call));
        var directory = await Directory(cancellationToken).ConfigureAwait(false);
        if (!directory.Handles.TryGetValue(call.Dependency, out var handle))
            return (CallResult<T>)DependencySupervisor.UnknownDependencyResult(call, directory.Names);
        var wait = handle.LongestAnswerTime(call, _time, Grace);
        try
        {
            return (CallResult<T>)await handle.AskAsync(call, wait, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            return new CallResult<T>(call.Dependency, new CallReport(CallOutcome.Failed, null, DegradationReason.ActorFailure, null, e,
                $"The orchestrator did not answer the call to '{call.Dependency}' within {wait.TotalMilliseconds:0} ms.", wait, 0));
        }
    }

    /// <inheritdoc />
    public Task<CallResult<T>> CallAsync<T>(string dependency, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
        CallAsync(new GuardedCall<T>(dependency, work), cancellationToken);

    /// <inheritdoc />
    public async Task<OrchestratorStatus> StatusAsync(CancellationToken cancellationToken = default)
    {
        var target = await Target(cancellationToken).ConfigureAwait(false);
        return await target.Ask<OrchestratorStatus>(GetStatus.All, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<BreakerState> IsolateAsync(string dependency, CancellationToken cancellationToken = default) =>
        Command(new IsolateBreaker(dependency), cancellationToken);

    /// <inheritdoc />
    public Task<BreakerState> ResetAsync(string dependency, CancellationToken cancellationToken = default) =>
        Command(new ResetBreaker(dependency), cancellationToken);

    private async Task<BreakerState> Command(object command, CancellationToken ct)
    {
        var target = await Target(ct).ConfigureAwait(false);
        var answer = await target.Ask<object>(command, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        return answer switch
        {
            BreakerCommandAccepted a => a.State,
            UnknownDependency u => throw new ArgumentException(u.Message, "dependency"),
            _ => throw new InvalidOperationException($"Unexpected answer {answer.GetType().Name} to {command.GetType().Name}."),
        };
    }
}
