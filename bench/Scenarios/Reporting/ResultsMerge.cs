using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Bench.Scenarios.Measurement;

namespace Orchestrator.Bench.Scenarios.Reporting;

/// <summary>
/// <c>--merge</c>: the scenarios of this run go into the results already in the output directory, replacing the
/// same scenario's or added after them; every other scenario's entry in <c>scenarios.json</c> and section in
/// <c>scenarios.md</c> is kept as it was, character for character.
/// </summary>
public static class ResultsMerge
{
    private const string SectionStart = "### ";

    /// <summary>
    /// Why the results in <paramref name="directory"/> cannot take this run's (a different kind of run: quick or
    /// full, another number of cores), or null (they can, or there are none yet).
    /// </summary>
    public static string? Problem(string directory, bool quick)
    {
        var markdown = Path.Combine(directory, "scenarios.md");
        if (!File.Exists(markdown)) return null;
        var first = File.ReadLines(markdown).FirstOrDefault() ?? "";
        var header = MarkdownReport.Header(quick);
        return first == header
            ? null
            : $"--merge: {markdown} is from another kind of run ('{first}'), this one would be '{header}': not merging them.";
    }

    /// <summary><paramref name="existing"/> (a JSON array of scenario results) with <paramref name="results"/> put in, by scenario name.</summary>
    public static string Json(string existing, IReadOnlyList<ScenarioResult> results)
    {
        var all = JsonNode.Parse(existing) as JsonArray ?? throw new InvalidDataException("The existing scenarios.json is not a JSON array.");
        foreach (var result in results)
        {
            var node = JsonSerializer.SerializeToNode(result, JsonReport.Options);
            var at = all.Select((n, i) => (n, i)).FirstOrDefault(e => e.n?["scenario"]?.GetValue<string>() == result.Scenario, (null, -1)).Item2;
            if (at >= 0) all[at] = node;
            else all.Add(node);
        }
        return all.ToJsonString(JsonReport.Options);
    }

    /// <summary>
    /// <paramref name="existing"/> (a scenarios.md) with the sections (<c>### name</c> to the next one) of
    /// <paramref name="rendered"/> put in, by name; the header of <paramref name="existing"/> is kept. Header and
    /// sections are separated by one blank line, as <see cref="MarkdownReport"/> writes them.
    /// </summary>
    public static string Markdown(string existing, string rendered)
    {
        var (header, sections) = Split(existing);
        foreach (var (name, text) in Split(rendered).Sections)
        {
            var at = sections.FindIndex(s => s.Name == name);
            if (at >= 0) sections[at] = (name, text);
            else sections.Add((name, text));
        }
        var newLine = Environment.NewLine;
        return string.Join(newLine + newLine, sections.Select(s => s.Text).Prepend(header).Where(t => t.Length > 0)) + newLine;
    }

    /// <summary>The text before the first section, and each section by name; each without its trailing blank lines.</summary>
    private static (string Header, List<(string Name, string Text)> Sections) Split(string markdown)
    {
        var header = new StringBuilder();
        var sections = new List<(string Name, StringBuilder Text)>();
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith(SectionStart, StringComparison.Ordinal)) sections.Add((line[SectionStart.Length..].TrimEnd(), new StringBuilder()));
            (sections.Count == 0 ? header : sections[^1].Text).Append(line).Append('\n');
        }
        static string Trimmed(StringBuilder text) => text.ToString().TrimEnd('\r', '\n').Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", Environment.NewLine, StringComparison.Ordinal);
        return (Trimmed(header), sections.Select(s => (s.Name, Trimmed(s.Text))).ToList());
    }
}
