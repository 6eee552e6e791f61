namespace Orchestrator.Node.Chaos;

/// <summary>How one simulated downstream service misbehaves now.</summary>
/// <param name="ErrorRate">The share of requests (0..1) answered with HTTP 503.</param>
/// <param name="LatencyMs">Delay added to every answer, in milliseconds.</param>
/// <param name="Outage">When true every request is answered with HTTP 503.</param>
public sealed record ChaosSettings(double ErrorRate, int LatencyMs, bool Outage)
{
    /// <summary>The largest latency that may be injected: one minute.</summary>
    public const int MaxLatencyMs = 60_000;

    /// <summary>No chaos: the service behaves.</summary>
    public static readonly ChaosSettings None = new(0, 0, false);

    /// <summary>Whether any fault is injected.</summary>
    public bool IsActive => Outage || ErrorRate > 0 || LatencyMs > 0;
}
