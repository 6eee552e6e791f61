using Orchestrator.Actors.Hosting;
using Orchestrator.Experiments;
using Orchestrator.Node.Configuration;

namespace Orchestrator.Node.Experiments;

/// <summary>Section <c>Experiments</c>: where stored experiments are read and reports written.</summary>
public sealed class ExperimentSettings
{
    public const string SectionName = "Experiments";

    /// <summary>The stored experiments (<c>GET /api/experiments</c>); default: the <c>experiments</c> folder beside the node's binaries (the repository's built-ins).</summary>
    public string? Directory { get; set; }

    /// <summary>Where each run's report is written (JSON and markdown); default: under the user's local application data.</summary>
    public string? ReportsDirectory { get; set; }

    /// <summary>The store these settings describe; throws <see cref="NodeConfigurationException"/> naming a bad setting.</summary>
    public static ExperimentStore Load(IConfiguration configuration)
    {
        var errors = new List<string>();
        var settings = StrictConfiguration.Bind(configuration.GetSection(SectionName), new ExperimentSettings(), errors);
        foreach (var (name, value) in new[] { ("Directory", settings.Directory), ("ReportsDirectory", settings.ReportsDirectory) })
            if (value is { } path && (path.Length == 0 || path.IndexOfAny(Path.GetInvalidPathChars()) >= 0))
                errors.Add($"{SectionName}:{name} is not a usable path: '{path}'.");
        if (errors.Count > 0) throw new NodeConfigurationException(errors);
        return new ExperimentStore(Path.GetFullPath(settings.Directory ?? ExperimentStore.DefaultDirectory),
            Path.GetFullPath(settings.ReportsDirectory ?? ExperimentStore.DefaultReportsDirectory));
    }
}
