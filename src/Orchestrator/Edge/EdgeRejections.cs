using System.Diagnostics.Metrics;

namespace Orchestrator.Node.Edge;

/// <summary>
/// Counts the requests the edge refused (a rate, a concurrency or a stream limit): a metric per refusal
/// (<c>orchestrator.edge.rejections</c>, tag <c>limit</c>); in the log, the first refusal after a quiet spell at
/// once, then how many were refused every <see cref="ReportEvery"/> while refusals go on, with the latest client,
/// so that a flood never floods the log. Thread-safe.
/// </summary>
public sealed class EdgeRejections : IDisposable
{
    /// <summary>How often refusals are summed up in the log.</summary>
    public static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    private static readonly Meter Meter = new("Orchestrator", "1.0");
    private static readonly Counter<long> Rejections =
        Meter.CreateCounter<long>("orchestrator.edge.rejections", "{request}", "Requests refused at the edge by a per-client limit (tag limit: rate, concurrency, streams).");

    private readonly ILogger<EdgeRejections> _log;
    private readonly ITimer _timer;
    private long _total, _unreported;
    private int _quiet = 1;
    private volatile Latest? _latest;

    /// <summary>Creates the counter; it sums up on <paramref name="time"/>'s timer.</summary>
    public EdgeRejections(ILogger<EdgeRejections> log, TimeProvider time)
    {
        _log = log;
        _timer = time.CreateTimer(_ => Report(), null, ReportEvery, ReportEvery);
    }

    /// <summary>Refusals since start.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Counts one refusal by <paramref name="limit"/> of <paramref name="client"/>'s request to <paramref name="path"/>.</summary>
    public void Count(string limit, string client, PathString path)
    {
        Rejections.Add(1, new KeyValuePair<string, object?>("limit", limit));
        Interlocked.Increment(ref _total);
        _latest = new Latest(limit, client, path.Value);
        if (Interlocked.Exchange(ref _quiet, 0) == 1)
            _log.LogWarning("Edge limits started refusing requests: {Limit} limit, client {Client}, path {Path}", limit, client, path.Value);
        else
            Interlocked.Increment(ref _unreported);
    }

    private void Report()
    {
        var count = Interlocked.Exchange(ref _unreported, 0);
        if (count == 0)
        {
            Volatile.Write(ref _quiet, 1); // a quiet spell: the next refusal is logged at once
            return;
        }
        var latest = _latest;
        _log.LogWarning("Edge limits refused {Count} more requests in the last {Period}; the latest: {Limit} limit, client {Client}, path {Path}",
            count, ReportEvery, latest?.Limit, latest?.Client, latest?.Path);
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();

    private sealed record Latest(string Limit, string Client, string? Path);
}
