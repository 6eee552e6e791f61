using Serilog.Events;

namespace Orchestrator.Node.Logging;

/// <summary>
/// A node without seed nodes (and without Cluster Bootstrap) joins itself: it forms a cluster of its own. Akka.Cluster
/// logs "No seed-nodes configured, manual cluster join required" before that join, which reads like a fault on a
/// single node; the node says what it does instead (<see cref="Joining"/>) and this filter drops Akka's line.
/// </summary>
public static class SelfJoinNotice
{
    private const string AkkaLine = "No seed-nodes configured, manual cluster join required";

    /// <summary>What the node logs when it joins itself.</summary>
    public const string Joining = "No Cluster:SeedNodes given: this node forms a cluster of its own at {Address} (give Cluster:SeedNodes, or Cluster:Bootstrap, to join others)";

    /// <summary>Whether <paramref name="logEvent"/> is Akka's line about missing seed nodes.</summary>
    /// <remarks>Only Akka.Cluster's own informational events are rendered to be read (its log source starts with "Cluster").</remarks>
    public static bool IsAkkaLine(LogEvent logEvent) =>
        logEvent.Level == LogEventLevel.Information
        && (logEvent.MessageTemplate.Text.Contains(AkkaLine, StringComparison.Ordinal)
            || (From(logEvent, "LogSource") || From(logEvent, Serilog.Core.Constants.SourceContextPropertyName))
                && logEvent.RenderMessage().Contains(AkkaLine, StringComparison.Ordinal));

    private static bool From(LogEvent logEvent, string property) =>
        logEvent.Properties.TryGetValue(property, out var value) && value is ScalarValue { Value: string source }
        && source.StartsWith("Cluster", StringComparison.Ordinal);
}
