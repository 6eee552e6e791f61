using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Bulkhead;
using Orchestrator.Actors.Cluster;
using Orchestrator.Actors.Hedging;
using Orchestrator.Actors.Retry;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// Everything a dependency actor must not forget, kept in one object so that a restarted actor takes it over
/// whole: the breaker, the bulkhead's queue, the retry budget, and every call in hand. (What it shares with its
/// callers, the cache among it, lives on its <see cref="DependencyHandle"/>, which outlives the actor.)
/// </summary>
internal sealed class DependencyState(CircuitBreaker breaker, Bulkhead<PendingCall> bulkhead, RetryBudget budget)
{
    public CircuitBreaker Breaker { get; } = breaker;
    public Bulkhead<PendingCall> Bulkhead { get; } = bulkhead;
    public RetryBudget Budget { get; } = budget;

    /// <summary>Calls whose attempt runs now, by id.</summary>
    public Dictionary<long, PendingCall> Running { get; } = new();

    /// <summary>Calls waiting for their retry timer, or for the rate limit's next permits (counted by its <c>Waiting</c>), by id.</summary>
    public Dictionary<long, PendingCall> BackingOff { get; } = new();

    /// <summary>The leader of the fetch in flight for each key (single flight).</summary>
    public Dictionary<string, PendingCall> Flights { get; } = new(StringComparer.Ordinal);

    public long NextId { get; set; }

    /// <summary>When the cluster last said anything about this dependency (a view arrived).</summary>
    public DateTimeOffset LastClusterNews { get; set; }

    /// <summary>The cluster's last view of this dependency.</summary>
    public ClusterBreakerView? LastView { get; set; }

    /// <summary>A prober this node stopped waiting for (it sent no news); not deferred to again until the breaker closes.</summary>
    public string? SilentProber { get; set; }

    /// <summary>Whether a run of the dependency's own probe is in flight (its end comes back as <see cref="ProbeEnded"/>).</summary>
    public bool ProbeRunning { get; set; }

    /// <summary>While the bulkhead rejects: the gate's rejection count when it started, and at the last look.</summary>
    public long RejectedWhenStarted { get; set; }
    public long RejectedAtLastCheck { get; set; }

    /// <summary>The rate limit's refusals at the last look, while it is reported refusing.</summary>
    public long RateLimitRefusedAtLastCheck { get; set; }

    public long Retries { get; set; }
    public long RetriesDenied { get; set; }

    /// <summary>The latencies of the dependency's last answers, for a hedge delay taken as a percentile.</summary>
    public LatencyWindow Latencies { get; } = new(HedgingOptions.LatencySamples);

    public long HedgesStarted { get; set; }
    public long HedgesWon { get; set; }
    public long HedgesSkipped { get; set; }
}
