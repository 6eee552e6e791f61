using Orchestrator.Actors.Client;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Composition;

/// <summary>One part of a page: a name, a tier and the guarded call that fills it.</summary>
public abstract record PagePart(string Name, Tier Tier)
{
    /// <summary>Runs the part's call under <paramref name="deadline"/> (the earlier of it and the call's own).</summary>
    internal abstract Task<ICallResult> RunAsync(IGuardedCalls calls, DateTimeOffset deadline, CancellationToken cancellationToken);

    /// <summary>A part filled by <paramref name="call"/>.</summary>
    public static PagePart<T> Of<T>(string name, Tier tier, GuardedCall<T> call) => new(name, tier, call);
}

/// <summary>A part filled by a <see cref="GuardedCall{T}"/>.</summary>
public sealed record PagePart<T>(string Name, Tier Tier, GuardedCall<T> Call) : PagePart(Name, Tier)
{
    internal override async Task<ICallResult> RunAsync(IGuardedCalls calls, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var call = Call with
        {
            Deadline = Call.Deadline is { } own && own < deadline ? own : deadline,
            Tier = Tier,
        };
        return await calls.CallAsync(call, cancellationToken).ConfigureAwait(false);
    }
}
