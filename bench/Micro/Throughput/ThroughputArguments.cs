using System.Globalization;

namespace Orchestrator.Bench.Micro.Throughput;

/// <summary>
/// The throughput runner's command line:
/// <c>throughput [--callers 1,8,64] [--seconds 5] [--warmup 1] [--rounds 3] [--ways all|name,name] [--out DIR]</c>.
/// Parsing never throws: a bad command line gives the error instead.
/// </summary>
public sealed record ThroughputArguments(
    IReadOnlyList<int> Callers, TimeSpan Measure, TimeSpan Warmup, IReadOnlyList<string> Ways, string? OutputDirectory, int Rounds = ThroughputArguments.DefaultRounds)
{
    /// <summary>Rounds by default: each way is measured this many times, interleaved with the others, and its median kept.</summary>
    public const int DefaultRounds = 3;

    /// <summary>The most rounds.</summary>
    public const int MaxRounds = 50;

    /// <summary>The most concurrent callers: the dependency's slots plus its queue places; more would be turned away.</summary>
    public const int MaxCallers = BenchDependency.MaxConcurrency + BenchDependency.QueueCapacity;

    /// <summary>The longest measured window or warm-up, in seconds.</summary>
    public const double MaxSeconds = 3600;

    public static readonly IReadOnlyList<int> DefaultCallers = [1, 8, 64];
    public static readonly TimeSpan DefaultMeasure = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultWarmup = TimeSpan.FromSeconds(1);

    public static string Usage =>
        $"usage: dotnet run -c Release --project bench/Micro -- throughput [--callers 1,8,64] [--seconds 5] [--warmup 1] [--rounds 3] [--ways all|name,name] [--out DIR]{Environment.NewLine}" +
        $"  --callers  numbers of concurrent callers, each 1 to {MaxCallers} (default {string.Join(',', DefaultCallers)}){Environment.NewLine}" +
        $"  --seconds  the measured window of each run, in seconds, above 0 (default {DefaultMeasure.TotalSeconds}){Environment.NewLine}" +
        $"  --warmup   the warm-up before each window, in seconds, 0 or more (default {DefaultWarmup.TotalSeconds}){Environment.NewLine}" +
        $"  --rounds   how many times each way is measured, interleaved with the others (the order reversed every other round); the median is reported, and the ratio to Polly is the median of each round's ratio; 1 to {MaxRounds} (default {DefaultRounds}){Environment.NewLine}" +
        $"  --ways     all, or some of: {string.Join(", ", WayCatalog.Names)} (the ratio column needs polly){Environment.NewLine}" +
        "  --out      also write throughput.json and throughput.md into DIR";

    /// <summary>Whether <paramref name="args"/> asks for the usage.</summary>
    public static bool AsksForHelp(IReadOnlyList<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

    /// <summary>Parses <paramref name="args"/> (the words after <c>throughput</c>): the arguments, or why they are wrong.</summary>
    public static (ThroughputArguments? Arguments, string? Error) Parse(IReadOnlyList<string> args)
    {
        var callers = DefaultCallers;
        var measure = DefaultMeasure;
        var warmup = DefaultWarmup;
        IReadOnlyList<string> ways = WayCatalog.Names;
        string? output = null;
        var rounds = DefaultRounds;
        for (var i = 0; i < args.Count; i++)
        {
            var option = args[i];
            if (!option.StartsWith('-')) return (null, $"Unexpected argument '{option}'.");
            if (option is not ("--callers" or "--seconds" or "--warmup" or "--rounds" or "--ways" or "--out")) return (null, $"Unknown option '{option}'.");
            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal) || string.IsNullOrWhiteSpace(args[i + 1]))
                return (null, $"{option} needs a value.");
            var value = args[++i];
            string? error;
            switch (option)
            {
                case "--callers":
                    (callers, error) = ParseCallers(value);
                    break;
                case "--seconds":
                    (measure, error) = ParseSeconds(option, value, allowZero: false);
                    break;
                case "--warmup":
                    (warmup, error) = ParseSeconds(option, value, allowZero: true);
                    break;
                case "--rounds":
                    (rounds, error) = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxRounds
                        ? (n, null)
                        : (0, $"--rounds takes a whole number from 1 to {MaxRounds}; '{value}' is not one.");
                    break;
                case "--ways":
                    (ways, error) = ParseWays(value);
                    break;
                default:
                    (output, error) = (value, null);
                    break;
            }
            if (error is not null) return (null, error);
        }
        return (new ThroughputArguments(callers, measure, warmup, ways, output, rounds), null);
    }

    private static (IReadOnlyList<int>, string?) ParseCallers(string value)
    {
        var counts = new List<int>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > MaxCallers)
                return ([], $"--callers takes numbers from 1 to {MaxCallers} separated by commas; '{part}'{(part == value ? "" : $" in '{value}'")} is not one.");
            if (!counts.Contains(count)) counts.Add(count);
        }
        return (counts, null);
    }

    private static (TimeSpan, string?) ParseSeconds(string option, string value, bool allowZero)
    {
        var valid = double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            && (allowZero ? seconds >= 0 : seconds > 0) && seconds <= MaxSeconds;
        return valid
            ? (TimeSpan.FromSeconds(seconds), null)
            : (TimeSpan.Zero, $"{option} takes a number of seconds, {(allowZero ? "0 or more" : "above 0")} and at most {MaxSeconds}; '{value}' is not one.");
    }

    private static (IReadOnlyList<string>, string?) ParseWays(string value)
    {
        if (value.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)) return (WayCatalog.Names, null);
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!WayCatalog.Names.Contains(part, StringComparer.OrdinalIgnoreCase))
                return ([], $"Unknown way '{part}' in --ways. Valid ways: {string.Join(", ", WayCatalog.Names)}, or all.");
            named.Add(part);
        }
        // In the catalogue's order, so that tables always read the same way.
        return ([.. WayCatalog.Names.Where(named.Contains)], null);
    }
}
