using System.Globalization;

namespace Orchestrator.Bench.Node;

/// <summary>
/// A history run's settings: <c>history [--seconds N] [--clients N] [--kills N] [--seed N] [--out DIR]</c>. Parsing never
/// throws: bad arguments give an error naming them.
/// </summary>
public sealed record HistoryOptions
{
    public int Seconds { get; init; } = 60;
    public int Clients { get; init; } = 4;
    public int Kills { get; init; } = 4;
    public int Seed { get; init; } = Environment.TickCount;
    public string OutputDirectory { get; init; } = "history-results";

    /// <summary>How long the settling may take at most, after the load and the faults end.</summary>
    public TimeSpan SettleLimit { get; init; } = TimeSpan.FromMinutes(3);

    public const string Usage = "usage: dotnet run -c Release --project bench/Node -- history [--seconds 60] [--clients 4] [--kills 4] [--seed N] [--out DIR]";

    public static (HistoryOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var options = new HistoryOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Count) return (null, $"{name} needs a value.");
            var value = args[++i];
            int Number(int min, int max) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : int.MinValue;
            switch (name)
            {
                case "--seconds": options = options with { Seconds = Number(5, 86_400) }; break;
                case "--clients": options = options with { Clients = Number(1, 64) }; break;
                case "--kills": options = options with { Kills = Number(0, 1000) }; break;
                case "--seed": options = options with { Seed = Number(int.MinValue + 1, int.MaxValue) }; break;
                case "--out": options = options with { OutputDirectory = value }; break;
                default: return (null, $"Unknown option '{name}'.");
            }
            if (options.Seconds == int.MinValue) return (null, $"--seconds must be a whole number from 5 to 86400, not '{value}'.");
            if (options.Clients == int.MinValue) return (null, $"--clients must be a whole number from 1 to 64, not '{value}'.");
            if (options.Kills == int.MinValue) return (null, $"--kills must be a whole number from 0 to 1000, not '{value}'.");
            if (options.Seed == int.MinValue) return (null, $"--seed must be a whole number, not '{value}'.");
        }
        return (options, null);
    }
}
