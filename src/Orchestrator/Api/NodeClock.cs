namespace Orchestrator.Node.Api;

/// <summary>When this node started, for its uptime.</summary>
public sealed class NodeClock(TimeProvider time)
{
    /// <summary>When the node was built.</summary>
    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    /// <summary>Time since <see cref="StartedAt"/>.</summary>
    public TimeSpan Uptime => time.GetUtcNow() - StartedAt;
}
