using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orchestrator.Experiments;

/// <summary>
/// Where experiments are kept (<c>Experiments:Directory</c>; the built-ins of the repository's <c>experiments/</c> are
/// copied beside the node) and where reports are written (<c>Experiments:ReportsDirectory</c>).
/// </summary>
public sealed partial class ExperimentStore(string directory, string reportsDirectory)
{
    private const int MaxFiles = 100;
    private const long MaxFileBytes = 64 * 1024;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The default: the node's own <c>experiments</c> folder, beside its binaries.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "experiments");

    /// <summary>The default: under the user's local application data, beside the node's database.</summary>
    /// <remarks>Nothing is created until a report is written (a container's user may have no home to write to).</remarks>
    public static string DefaultReportsDirectory =>
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData) is { Length: > 0 } local
            ? Path.Combine(local, "Orchestrator", "experiment-reports")
            : Path.Combine(Path.GetTempPath(), "orchestrator-experiment-reports");

    public string Directory => directory;

    /// <summary>A stored experiment, or why it cannot be run.</summary>
    public sealed record StoredExperiment(string Name, string? Title, string? Description, int? Nodes, string? Error);

    /// <summary>Every stored experiment (top-level <c>*.json</c>), by name.</summary>
    public IReadOnlyList<StoredExperiment> List()
    {
        if (!System.IO.Directory.Exists(directory)) return [];
        return System.IO.Directory.EnumerateFiles(directory, "*.json", SearchOption.TopDirectoryOnly)
            .Order(StringComparer.Ordinal).Take(MaxFiles)
            .Select(file =>
            {
                var name = Path.GetFileNameWithoutExtension(file);
                var (experiment, error) = Load(name);
                return new StoredExperiment(name, experiment?.Title, experiment?.Description, experiment?.NodeCount, error);
            }).ToList();
    }

    /// <summary>The stored experiment <paramref name="name"/> (a file name without <c>.json</c>).</summary>
    public (Experiment? Experiment, string? Error) Load(string name)
    {
        if (!SafeName().IsMatch(name)) return (null, $"'{name}' is not an experiment name (letters, digits, '-', '_', '.').");
        var file = Path.Combine(directory, name + ".json");
        if (!File.Exists(file)) return (null, $"No experiment named '{name}' in {directory}.");
        if (new FileInfo(file).Length > MaxFileBytes) return (null, $"{file} is larger than {MaxFileBytes} bytes.");
        return ExperimentReader.Read(File.ReadAllText(file));
    }

    /// <summary>Writes <paramref name="report"/> as JSON and markdown; answers the two paths.</summary>
    public (string Json, string Markdown) Write(ExperimentReport report)
    {
        System.IO.Directory.CreateDirectory(reportsDirectory);
        var stem = $"{report.StartedAt:yyyyMMdd-HHmmss}-{Slug(report.Title)}";
        var json = Path.Combine(reportsDirectory, stem + ".json");
        var markdown = Path.Combine(reportsDirectory, stem + ".md");
        File.WriteAllText(json, JsonSerializer.Serialize(report, ReportJson), Utf8);
        File.WriteAllText(markdown, report.ToMarkdown(), Utf8);
        return (json, markdown);
    }

    private static string Slug(string title)
    {
        var slug = new string(title.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        slug = string.Join('-', slug.Split('-', StringSplitOptions.RemoveEmptyEntries));
        return slug.Length > 60 ? slug[..60] : slug;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex SafeName();
}
