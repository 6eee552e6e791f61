namespace Orchestrator.Clustering;

/// <summary>Where the cluster-state actor stands with another member's cluster-state actor.</summary>
internal enum PeerLinkState
{
    /// <summary>Hellos sent (retried on a timer), no answer yet: breaker news go by actor selection.</summary>
    Warming,

    /// <summary>The peer answered: its actor is resolved and the path is warm; breaker news go straight to it.</summary>
    Warm,
}
