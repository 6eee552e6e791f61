using Microsoft.Extensions.Configuration;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Hosting;

/// <summary>
/// Reads <see cref="OrchestratorOptions"/> from configuration, strictly (<see cref="StrictConfiguration"/>): an unknown
/// key or a value of the wrong type is an error naming its path, the known settings and the value expected.
/// </summary>
/// <remarks>
/// The subsections <c>Cluster</c> and <c>WriteQueue</c> (<see cref="PackageSections"/>) are not the core's: they
/// belong to the optional packages, which bind them themselves (Orchestrator.Clustering's
/// <c>WithOrchestratorClustering(orchestratorSection)</c> reads <c>Orchestrator:Cluster</c>, Orchestrator.WriteQueue's
/// <c>WithWriteQueue(orchestratorSection, targets)</c> reads <c>Orchestrator:WriteQueue</c>). This binder neither binds
/// them nor reports them as unknown; their keys are checked by the package that reads them.
/// </remarks>
public static class OrchestratorOptionsBinder
{
    /// <summary>The subsections of <c>Orchestrator</c> that the optional packages read, not this binder: <c>Cluster</c> and <c>WriteQueue</c>.</summary>
    public static IReadOnlyCollection<string> PackageSections { get; } = ["Cluster", "WriteQueue"];

    /// <summary>Binds <paramref name="section"/>; throws <see cref="OrchestratorOptionsException"/> listing every bad key and value.</summary>
    public static OrchestratorOptions Bind(IConfiguration section) => Bind(section, new OrchestratorOptions());

    /// <summary>
    /// Binds <paramref name="section"/> into <paramref name="options"/> (values it gives replace those set); throws
    /// <see cref="OrchestratorOptionsException"/> listing every bad key and value, and then changes nothing.
    /// </summary>
    public static OrchestratorOptions Bind(IConfiguration section, OrchestratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        StrictConfiguration.Bind(section, StrictConfiguration.PathOf(section, OrchestratorOptions.SectionName), options, errors, PackageSections);
        if (errors.Count > 0) throw new OrchestratorOptionsException(errors);
        return options;
    }
}
