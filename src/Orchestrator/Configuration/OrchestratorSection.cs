using Orchestrator.Actors.Hosting;
using Orchestrator.Clustering;
using Orchestrator.Contracts;
using Orchestrator.WriteQueue;

namespace Orchestrator.Node.Configuration;

/// <summary>
/// The node's <c>Orchestrator</c> section, each part read by the package that owns it: the core's options
/// (<see cref="OrchestratorOptionsBinder"/>), <c>Orchestrator:Cluster</c> (<see cref="ClusterSharingOptions"/>,
/// Orchestrator.Clustering) and <c>Orchestrator:WriteQueue</c> (<see cref="WriteQueueOptions"/>, Orchestrator.WriteQueue).
/// </summary>
internal sealed record OrchestratorSection(OrchestratorOptions Orchestrator, ClusterSharingOptions Sharing, WriteQueueOptions WriteQueue)
{
    /// <summary>
    /// Binds the three parts of <paramref name="section"/> strictly, has <paramref name="declare"/> add the node's own
    /// declarations to the core's options, and validates everything; throws <see cref="OrchestratorOptionsException"/>
    /// listing every problem of every part at once, each naming the setting.
    /// </summary>
    public static OrchestratorSection Load(IConfigurationSection section, Action<OrchestratorOptions> declare)
    {
        var errors = new List<string>();
        var orchestrator = Bound(errors, () => OrchestratorOptionsBinder.Bind(section));
        var sharing = Bound(errors, () => ClusterSharingOptions.Bind(section));
        var writeQueue = Bound(errors, () => WriteQueueOptions.Bind(section));
        if (orchestrator is not null)
        {
            declare(orchestrator);
            errors.AddRange(orchestrator.GetErrors());
        }
        if (sharing is not null) errors.AddRange(sharing.GetErrors());
        if (writeQueue is not null) errors.AddRange(writeQueue.GetErrors());
        if (errors.Count > 0) throw new OrchestratorOptionsException(errors);
        return new OrchestratorSection(orchestrator!, sharing!, writeQueue!);
    }

    /// <summary>The options <paramref name="bind"/> gives; null, with its errors added to <paramref name="errors"/>, when it refuses the section.</summary>
    private static T? Bound<T>(List<string> errors, Func<T> bind) where T : class
    {
        try
        {
            return bind();
        }
        catch (OrchestratorOptionsException e)
        {
            errors.AddRange(e.Errors);
            return null;
        }
    }
}
