namespace Orchestrator.Node.Chaos;

/// <summary>How one simulated downstream service misbehaves now.</summary>
/// <param name="ErrorRate">The share of requests (0..1) answered with HTTP 503, drawn at random.</param>
/// <param name="LatencyMs">Delay added to every answer, in milliseconds (never past the request's <c>X-Deadline</c>).</param>
/// <param name="Outage">When true every request is answered with HTTP 503.</param>
/// <param name="FailEveryNth">
/// When above 0, every n-th request since this was set is answered with HTTP 503: a deterministic error rate of
/// 1/n (1 fails every request). 0: off.
/// </param>
public sealed record ChaosSettings(double ErrorRate, int LatencyMs, bool Outage, int FailEveryNth = 0)
{
    /// <summary>The largest latency that may be injected: one minute.</summary>
    public const int MaxLatencyMs = 60_000;

    /// <summary>The largest <see cref="FailEveryNth"/>.</summary>
    public const int MaxFailEveryNth = 1_000;

    /// <summary>No chaos: the service behaves.</summary>
    public static readonly ChaosSettings None = new(0, 0, false);

    /// <summary>Whether any fault is injected.</summary>
    public bool IsActive => Outage || ErrorRate > 0 || LatencyMs > 0 || FailEveryNth > 0;
}
