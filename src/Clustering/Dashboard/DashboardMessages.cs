namespace Orchestrator.Clustering.Dashboard;

// The summaries cross nodes (DashboardActor tells them to the dashboard actor of every other Up member): small
// immutable records of strings, numbers and lists, serialized by Akka's default (JSON) serializer like the cluster
// state's NodeBreakerEntry. States and levels travel as strings, so that a node of another version still reads them.

/// <summary>One node's summary, built every second by its <see cref="DashboardActor"/>.</summary>
/// <param name="Node">The node's Akka address.</param>
/// <param name="At">When it was built.</param>
/// <param name="Stress">The stress level: Normal, Stressed or Severe.</param>
/// <param name="DisabledTiers">Tiers switched off by the stress level.</param>
/// <param name="Features">Every declared feature.</param>
/// <param name="Dependencies">Every guarded dependency.</param>
/// <param name="Shedder">The load shedder; null when it is off.</param>
/// <param name="WriteQueue">The write queue; null when none runs.</param>
internal sealed record NodeSummary(string Node, DateTimeOffset At, string Stress, IReadOnlyList<string> DisabledTiers,
    IReadOnlyList<FeatureSummary> Features, IReadOnlyList<DependencySummary> Dependencies, ShedderSummary? Shedder, WriteQueueSummary? WriteQueue)
{
    /// <summary>Why the level is above Normal, a sentence per signal (signal, value, threshold, source); empty at Normal (and from an older node).</summary>
    public IReadOnlyList<string> StressReasons { get; init; } = [];
}

/// <summary>A dependency on one node.</summary>
/// <param name="Name">The dependency (from configuration).</param>
/// <param name="Breaker">Closed, Open, HalfOpen, Isolated, or Stopped (its actor is gone).</param>
/// <param name="FollowsCluster">Whether the breaker is open on the cluster's evidence rather than this node's.</param>
/// <param name="CallsPerSecond">Answered calls per second over the last 10 s.</param>
/// <param name="FailureRate">The share (0..1) of them not answered successfully by the dependency.</param>
/// <param name="P99Ms">Their 99th percentile duration, in milliseconds.</param>
/// <param name="InFlight">Calls holding a place of the bulkhead.</param>
/// <param name="MaxConcurrency">The bulkhead's places.</param>
/// <param name="Queued">Calls waiting in the bulkhead's queue.</param>
internal sealed record DependencySummary(string Name, string Breaker, bool FollowsCluster, double CallsPerSecond, double FailureRate, double P99Ms,
    int InFlight, int MaxConcurrency, int Queued)
{
    /// <summary>The fault injected into it on this node, in words; null when none (and from an older node). Shown at once, before any call meets it.</summary>
    public string? Fault { get; init; }
}

/// <summary>A feature on one node.</summary>
/// <param name="Name">The feature.</param>
/// <param name="Tier">Its tier.</param>
/// <param name="Enabled">Whether it is on.</param>
/// <param name="Switch">What decides it now.</param>
internal sealed record FeatureSummary(string Name, string Tier, bool Enabled, string Switch);

/// <summary>The load shedder on one node.</summary>
internal sealed record ShedderSummary(int InFlight, int Limit);

/// <summary>The write queue on one node.</summary>
/// <param name="Depth">Writes waiting for delivery.</param>
/// <param name="OldestAgeSeconds">Age of the oldest waiting write; null when none waits.</param>
internal sealed record WriteQueueSummary(int Depth, double? OldestAgeSeconds);

/// <summary>Asks a <see cref="DashboardActor"/> for its <see cref="ClusterDashboard"/>.</summary>
internal sealed record GetDashboard
{
    /// <summary>The message.</summary>
    public static readonly GetDashboard Instance = new();
}

/// <summary>Every node as the asked node sees it (local only: never sent between nodes).</summary>
/// <param name="Self">The asked node's address.</param>
/// <param name="At">When the view was made.</param>
/// <param name="Nodes">Every member (and this node), by address.</param>
internal sealed record ClusterDashboard(string Self, DateTimeOffset At, IReadOnlyList<NodeView> Nodes);

/// <summary>One member in a <see cref="ClusterDashboard"/>.</summary>
/// <param name="Address">Its Akka address.</param>
/// <param name="Status">Its member status (Up, Joining, Leaving, ...).</param>
/// <param name="Reachable">Whether the asked node reaches it.</param>
/// <param name="IsSelf">Whether it is the asked node.</param>
/// <param name="AgeSeconds">How old its latest summary is; null when none arrived.</param>
/// <param name="Summary">Its latest summary; null when none arrived.</param>
internal sealed record NodeView(string Address, string Status, bool Reachable, bool IsSelf, double? AgeSeconds, NodeSummary? Summary);
