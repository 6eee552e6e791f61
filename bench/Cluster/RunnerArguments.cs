using System.Globalization;

namespace Orchestrator.Bench.Cluster;

/// <summary>What to run: <c>[propagation|wasted|all] [--trials N] [--quick]</c>.</summary>
public sealed record RunnerArguments(bool Propagation, bool Wasted, int Trials, TimeSpan Outage, int RatePerNode, int UnevenRate, bool Quick)
{
    /// <summary>The usage line.</summary>
    public const string Usage = "usage: dotnet run -c Release --project bench/Cluster -- [propagation|wasted|all] [--trials N] [--quick]";

    /// <summary>Parses <paramref name="args"/>; null and <paramref name="error"/> set when they are not understood.</summary>
    public static RunnerArguments? Parse(string[] args, out string? error)
    {
        error = null;
        string? mode = null;
        int? trials = null;
        var quick = false;
        var problems = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "propagation" or "wasted" or "all" when mode is null:
                    mode = arg;
                    break;
                case "propagation" or "wasted" or "all":
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
                default:
                    problems.Add($"unknown argument '{arg}'");
                    break;
            }
        }
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
            Quick: quick);
    }
}
