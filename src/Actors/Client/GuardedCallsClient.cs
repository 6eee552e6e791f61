using Akka.Actor;
using Akka.Hosting;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Client;

/// <summary>
/// <see cref="IGuardedCalls"/> over the dependencies' handles. The client fetches the <see cref="DependencyDirectory"/>
/// once (it is kept across restarts of the orchestrator's actors) and calls each dependency through its
/// <see cref="DependencyHandle"/>: on the common path the work runs on the caller's side, without any message; what
/// needs the dependency's actor is asked of it, waiting at most until the call's deadline, or else the longest the
/// dependency can take (queue wait, every attempt and backoff, the fallback chain), plus <see cref="Grace"/>.
/// </summary>
internal sealed class GuardedCallsClient : IGuardedCalls
{
    private readonly IActorRef? _dependencies;
    private readonly IRequiredActor<DependencySupervisor>? _required;
    private Task<DependencyDirectory>? _directory;

    /// <summary>Extra time given to the orchestrator beyond the call's own limits.</summary>
    public static readonly TimeSpan Grace = DependencyHandle.Grace;

    /// <summary>A client that talks to <paramref name="dependencies"/> (the dependencies supervisor).</summary>
    /// <remarks>The calls' clock is their dependencies' own.</remarks>
    public GuardedCallsClient(IActorRef dependencies) =>
        _dependencies = dependencies ?? throw new ArgumentNullException(nameof(dependencies));

    /// <summary>A client that finds the dependencies supervisor in the Akka.Hosting registry.</summary>
    public GuardedCallsClient(IRequiredActor<DependencySupervisor> required) =>
        _required = required ?? throw new ArgumentNullException(nameof(required));

    private async ValueTask<IActorRef> Target(CancellationToken ct) =>
        _dependencies ?? await _required!.GetAsync(ct).ConfigureAwait(false);

    /// <summary>The supervisor now: the directory follows it across restarts of the orchestrator's guardian.</summary>
    private async ValueTask<IActorRef> Supervisor(CancellationToken ct)
    {
        var directory = await Directory(ct).ConfigureAwait(false);
        return directory.Supervisor.IsNobody() ? await Target(ct).ConfigureAwait(false) : directory.Supervisor;
    }

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
    public ValueTask<CallResult<T>> CallAsync<T>(GuardedCall<T> call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.ReplyTo is not null)
            throw new ArgumentException("A call sent through the client is answered to the client; do not set ReplyTo.", nameof(call));
        var directory = Directory(cancellationToken);
        return directory.IsCompletedSuccessfully ? CallThrough(directory.Result, call, cancellationToken) : CallLaterAsync(directory, call, cancellationToken);
    }

    private async ValueTask<CallResult<T>> CallLaterAsync<T>(Task<DependencyDirectory> directory, GuardedCall<T> call, CancellationToken cancellationToken) =>
        await CallThrough(await directory.ConfigureAwait(false), call, cancellationToken).ConfigureAwait(false);

    private static ValueTask<CallResult<T>> CallThrough<T>(DependencyDirectory directory, GuardedCall<T> call, CancellationToken cancellationToken) =>
        directory.Handles.TryGetValue(call.Dependency, out var handle)
            ? handle.CallAsync(call, cancellationToken)
            : new((CallResult<T>)DependencySupervisor.UnknownDependencyResult(call, directory.Names));

    /// <inheritdoc />
    public ValueTask<CallResult<T>> CallAsync<T>(string dependency, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
        CallAsync(new GuardedCall<T>(dependency, work), cancellationToken);

    /// <inheritdoc />
    public async Task<OrchestratorStatus> StatusAsync(CancellationToken cancellationToken = default)
    {
        var target = await Supervisor(cancellationToken).ConfigureAwait(false);
        return await target.Ask<OrchestratorStatus>(GetStatus.All, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<BreakerCommandResult> IsolateAsync(string dependency, CancellationToken cancellationToken = default) =>
        Command(new IsolateBreaker(dependency), cancellationToken);

    /// <inheritdoc />
    public Task<BreakerCommandResult> ResetAsync(string dependency, CancellationToken cancellationToken = default) =>
        Command(new ResetBreaker(dependency), cancellationToken);

    /// <inheritdoc />
    public async Task<OptionsChangeResult> ChangeOptionsAsync(string dependency, Action<DependencyOptions> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dependency);
        ArgumentNullException.ThrowIfNull(change);
        var target = await Supervisor(cancellationToken).ConfigureAwait(false);
        var answer = await target.Ask<object>(new ChangeDependencyOptions(dependency, change), TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        return answer switch
        {
            OptionsChangeResult result => result,
            UnknownDependency u => new OptionsChangeResult(u.Dependency, DateTimeOffset.UtcNow, [], [u.Message], []),
            _ => throw new InvalidOperationException($"Unexpected answer {answer.GetType().Name} to {nameof(ChangeDependencyOptions)}."),
        };
    }

    private async Task<BreakerCommandResult> Command(object command, CancellationToken ct)
    {
        var target = await Supervisor(ct).ConfigureAwait(false);
        var answer = await target.Ask<object>(command, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        return answer switch
        {
            BreakerCommandAccepted a => new BreakerCommandResult(a.Dependency, a.State, null),
            UnknownDependency u => new BreakerCommandResult(u.Dependency, null, u.Message),
            _ => throw new InvalidOperationException($"Unexpected answer {answer.GetType().Name} to {command.GetType().Name}."),
        };
    }
}
