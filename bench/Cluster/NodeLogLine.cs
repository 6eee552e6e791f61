using System.Globalization;

namespace Orchestrator.Bench.Cluster;

/// <summary>What a breaker log line of a node says: its dependency was isolated by hand, opened by the cluster, or closed.</summary>
public enum BreakerLogKind
{
    /// <summary>"Circuit breaker of X isolated (... -> Isolated)": an operator isolated it on that node.</summary>
    Isolated,

    /// <summary>"Circuit breaker of X opened by the cluster (... -> Open)": the node followed another node's news.</summary>
    OpenedByCluster,

    /// <summary>"Circuit breaker of X moved ... -> Closed".</summary>
    Closed,
}

/// <summary>One breaker transition a node logged, with the node's own timestamp.</summary>
/// <param name="Timestamp">When the node logged it (Serilog's timestamp, same machine clock for every node).</param>
/// <param name="Dependency">The dependency.</param>
/// <param name="Kind">The transition.</param>
/// <param name="Detail">The rest of the message (for an opening by the cluster, the nodes it opened on).</param>
public sealed record NodeLogLine(DateTimeOffset Timestamp, string Dependency, BreakerLogKind Kind, string Detail = "")
{
    /// <summary>
    /// The output template the benchmark gives the nodes (<c>Serilog__WriteTo__0__Args__outputTemplate</c>): the
    /// round-trip timestamp (0.1 µs digits) first, so that lines of different processes compare.
    /// </summary>
    public const string OutputTemplate = "{Timestamp:o} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}";

    private const string Marker = "Circuit breaker of ";

    /// <summary>Reads a line written with <see cref="OutputTemplate"/>; null for any line that is not a breaker transition.</summary>
    public static NodeLogLine? Parse(string? line)
    {
        if (string.IsNullOrEmpty(line)) return null;
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var at = line.IndexOf(Marker, StringComparison.Ordinal);
        if (space <= 0 || at < 0) return null;
        if (!DateTimeOffset.TryParseExact(line[..space], "o", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var timestamp)) return null;
        var rest = line[(at + Marker.Length)..];
        var end = rest.IndexOf(' ', StringComparison.Ordinal);
        if (end <= 0) return null;
        var dependency = rest[..end];
        var what = rest[(end + 1)..];
        BreakerLogKind? kind = what switch
        {
            _ when what.StartsWith("isolated (", StringComparison.Ordinal) => BreakerLogKind.Isolated,
            _ when what.StartsWith("opened by the cluster (", StringComparison.Ordinal) => BreakerLogKind.OpenedByCluster,
            _ when what.StartsWith("moved ", StringComparison.Ordinal) && what.Contains("-> Closed", StringComparison.Ordinal) => BreakerLogKind.Closed,
            _ => null,
        };
        return kind is { } k ? new NodeLogLine(timestamp, dependency, k, what) : null;
    }
}
