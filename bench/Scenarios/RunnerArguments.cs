using Orchestrator.Bench.Scenarios.Definitions;

namespace Orchestrator.Bench.Scenarios;

/// <summary>
/// The runner's command line: <c>&lt;scenario[,scenario...]|all&gt; [--quick] [--out DIR] [--no-plots] [--merge]</c>. Parsing
/// never throws: a bad command line gives an error. With <see cref="Merge"/>, the results go into those already in
/// the output directory (the scenarios run replace their own; the others are kept as they were).
/// </summary>
public sealed record RunnerArguments(IReadOnlyList<Scenario> Scenarios, bool Quick, string OutputDirectory, bool Plots, bool Merge = false)
{
    public const string DefaultOutputDirectory = "scenario-results";

    /// <summary>How long each way of each scenario runs.</summary>
    public TimeSpan Duration => Quick ? TimeSpan.FromSeconds(1.2) : TimeSpan.FromSeconds(15);

    public static string Usage =>
        $"usage: dotnet run -c Release --project bench/Scenarios -- <scenario[,scenario...]|all> [--quick] [--out DIR] [--no-plots] [--merge]{Environment.NewLine}" +
        $"--merge: put the results into the scenarios.json and scenarios.md already in DIR (the other scenarios' are kept){Environment.NewLine}" +
        $"scenarios: {string.Join(", ", ScenarioCatalog.Names)}, all";

    /// <summary>Parses <paramref name="args"/>: the arguments, or why they are wrong.</summary>
    public static (RunnerArguments? Arguments, string? Error) Parse(IReadOnlyList<string> args)
    {
        string? name = null;
        var quick = false;
        var plots = true;
        var merge = false;
        var output = DefaultOutputDirectory;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--no-plots":
                    plots = false;
                    break;
                case "--merge":
                    merge = true;
                    break;
                case "--out" when i + 1 < args.Count:
                    output = args[++i];
                    break;
                case "--out":
                    return (null, "--out needs a directory.");
                case var option when option.StartsWith('-'):
                    return (null, $"Unknown option '{option}'.");
                case var scenario when name is null:
                    name = scenario;
                    break;
                default:
                    return (null, $"Name the scenarios in one argument, separated by commas (got '{name}' and '{args[i]}'), or 'all' for every one.");
            }
        }
        if (name is null) return (null, "Name a scenario.");
        if (name.Equals("all", StringComparison.OrdinalIgnoreCase)) return (new RunnerArguments(ScenarioCatalog.All, quick, output, plots, merge), null);
        var found = new List<Scenario>();
        foreach (var one in name.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (ScenarioCatalog.Find(one) is not { } scenario)
                return (null, $"Unknown scenario '{one}'. Valid scenarios: {string.Join(", ", ScenarioCatalog.Names)}, or all.");
            if (!found.Contains(scenario)) found.Add(scenario);
        }
        return found.Count == 0 ? (null, "Name a scenario.") : (new RunnerArguments(found, quick, output, plots, merge), null);
    }
}
