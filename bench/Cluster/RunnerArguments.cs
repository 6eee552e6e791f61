using System.Globalization;

namespace Orchestrator.Bench.Cluster;

/// <summary>
/// What to run: <c>[propagation|wasted|all|processes] [--trials N] [--quick] [--starts N] [--warm N] [--node PATH]</c>.
/// <c>processes</c> (not part of <c>all</c>) runs the propagation benchmark on real node processes.
/// </summary>
public sealed record RunnerArguments(bool Propagation, bool Wasted, int Trials, TimeSpan Outage, int RatePerNode, int UnevenRate, bool Quick)
{
    /// <summary>The usage line.</summary>
    public const string Usage = "usage: dotnet run -c Release --project bench/Cluster -- [propagation|wasted|all|processes] [--trials N] [--quick] [--starts N] [--warm N] [--node PATH]";

    /// <summary>The default node for <c>processes</c>, relative to the repository root.</summary>
    public const string DefaultNode = "src/Orchestrator/bin/Release/net10.0/Orchestrator.dll";

    /// <summary>Whether to run the propagation benchmark on real node processes.</summary>
    public bool Processes { get; init; }

    /// <summary>For <c>processes</c>: fresh clusters to start (one cold trial each).</summary>
    public int Starts { get; init; } = 8;

    /// <summary>For <c>processes</c>: warm trials on each cluster after its cold one.</summary>
    public int WarmPerStart { get; init; } = 8;

    /// <summary>For <c>processes</c>: the node's Orchestrator.dll (relative paths from the repository root).</summary>
    public string Node { get; init; } = DefaultNode;

    /// <summary>Parses <paramref name="args"/>; null and <paramref name="error"/> set when they are not understood.</summary>
    public static RunnerArguments? Parse(string[] args, out string? error)
    {
        error = null;
        string? mode = null;
        int? trials = null;
        int? starts = null;
        int? warm = null;
        string? node = null;
        var quick = false;
        var problems = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "propagation" or "wasted" or "all" or "processes" when mode is null:
                    mode = arg;
                    break;
                case "propagation" or "wasted" or "all" or "processes":
                    problems.Add($"a second mode '{arg}' (already '{mode}')");
                    break;
                case "--quick":
                    quick = true;
                    break;
                case "--trials":
                    if (i + 1 >= args.Length) problems.Add("--trials needs a number");
                    else if (int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 10_000) trials = n;
                    else problems.Add($"--trials '{args[i]}' is not a whole number from 1 to 10000");
                    break;
                case "--starts" or "--warm":
                    if (i + 1 >= args.Length) problems.Add($"{arg} needs a number");
                    else if (int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m is >= 0 and <= 1000 && (m >= 1 || arg == "--warm"))
                    {
                        if (arg == "--starts") starts = m;
                        else warm = m;
                    }
                    else problems.Add($"{arg} '{args[i]}' is not a whole number from {(arg == "--warm" ? 0 : 1)} to 1000");
                    break;
                case "--node":
                    if (i + 1 >= args.Length || string.IsNullOrWhiteSpace(args[i + 1])) problems.Add("--node needs the path of Orchestrator.dll");
                    else node = args[++i];
                    break;
                default:
                    problems.Add($"unknown argument '{arg}'");
                    break;
            }
        }
        if (mode != "processes" && (starts is not null || warm is not null || node is not null))
            problems.Add("--starts, --warm and --node are for the mode 'processes'");
        if (problems.Count > 0)
        {
            error = string.Join("; ", problems);
            return null;
        }
        mode ??= "all";
        return new RunnerArguments(
            Propagation: mode is "propagation" or "all",
            Wasted: mode is "wasted" or "all",
            Trials: trials ?? (quick ? 20 : 100),
            Outage: TimeSpan.FromSeconds(quick ? 5 : 10),
            RatePerNode: 50,
            UnevenRate: 5,
            Quick: quick)
        {
            Processes = mode == "processes",
            Starts = starts ?? (quick ? 3 : 8),
            WarmPerStart = warm ?? (quick ? 3 : 8),
            Node = node ?? DefaultNode,
        };
    }
}
