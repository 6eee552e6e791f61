using Akka.Actor;
using Akka.Hosting;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Client;

/// <summary><see cref="IChaos"/> over the dependencies supervisor.</summary>
internal sealed class ChaosClient(IRequiredActor<DependencySupervisor> supervisor) : IChaos
{
    /// <summary>How long a command may take: a cluster-wide one waits for every member.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public Task<FaultCommandResult> InjectAsync(string dependency, Fault fault, FaultScope scope = FaultScope.Node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dependency);
        ArgumentNullException.ThrowIfNull(fault);
        return SendAsync(new InjectFault(dependency, fault, scope), cancellationToken);
    }

    public Task<FaultCommandResult> ClearAsync(string dependency, FaultScope scope = FaultScope.Node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dependency);
        return SendAsync(new ClearFault(dependency, scope), cancellationToken);
    }

    private async Task<FaultCommandResult> SendAsync(object command, CancellationToken ct)
    {
        var target = await supervisor.GetAsync(ct).ConfigureAwait(false);
        try
        {
            return await target.Ask<FaultCommandResult>(command, Limit, ct).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            var dependency = command switch { InjectFault i => i.Dependency, ClearFault c => c.Dependency, _ => "" };
            return FaultCommandResult.Refused(dependency, FaultRefusal.NoAnswer, $"The dependency's actor did not answer the fault command within {Limit.TotalSeconds:0} s (its actor may have stopped for good).");
        }
    }
}
