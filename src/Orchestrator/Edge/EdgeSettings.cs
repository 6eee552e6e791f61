namespace Orchestrator.Node.Edge;

/// <summary>
/// What one client may take of the node at its edge, before any dependency is called; section <c>Edge</c>
/// (<c>--Edge:RateLimit:PermitsPerSecond=50</c>, <c>Edge__RateLimit__PermitsPerSecond=50</c>). A client is its
/// address (an IPv6 client by its /64 network), or the operator when the request carries <c>Admin:Token</c>.
/// </summary>
public sealed class EdgeSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Edge";

    /// <summary>Requests per client on the limited paths (the shop by default).</summary>
    public RateLimitSettings RateLimit { get; set; } = new();

    /// <summary>The dashboard's event streams.</summary>
    public DashboardStreamSettings DashboardStreams { get; set; } = new();

    /// <summary>Adds every problem to <paramref name="errors"/>, naming the setting and the bad value.</summary>
    public void Validate(List<string> errors)
    {
        RateLimit.Validate($"{SectionName}:RateLimit", errors);
        DashboardStreams.Validate($"{SectionName}:DashboardStreams", errors);
    }
}

/// <summary>
/// A fair share per client: a token bucket (<see cref="PermitsPerSecond"/> a second, bursts of <see cref="Burst"/>)
/// and at most <see cref="MaxConcurrentPerClient"/> requests in flight, on the paths under <see cref="Paths"/>. A
/// request beyond either is answered at once with 429, <c>Retry-After</c> and a JSON error; it never waits and never
/// reaches a dependency. On by default with generous values: a person, or a browser, never meets them.
/// </summary>
public sealed class RateLimitSettings
{
    /// <summary>The largest rate or burst that may be set.</summary>
    public const int MaxPermits = 1_000_000;

    /// <summary>Whether the limit applies. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests a second one client may send on the limited paths, sustained. Default 100.</summary>
    public int PermitsPerSecond { get; set; } = 100;

    /// <summary>Requests one client may send at once after a quiet spell (the bucket's size). Default 200.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Requests of one client in flight at once on the limited paths. Default 64.</summary>
    public int MaxConcurrentPerClient { get; set; } = 64;

    /// <summary>The path prefixes limited (each starts with '/'). Default: <c>/shop</c>.</summary>
    public string[]? Paths { get; set; }

    /// <summary>The paths limited: <see cref="Paths"/>, or <c>/shop</c> when not set.</summary>
    public IReadOnlyList<string> EffectivePaths => Paths is { Length: > 0 } paths ? paths : ["/shop"];

    internal void Validate(string path, List<string> errors)
    {
        if (PermitsPerSecond is < 1 or > MaxPermits) errors.Add($"{path}:PermitsPerSecond must be a whole number from 1 to {MaxPermits}, not {PermitsPerSecond}.");
        if (Burst is < 1 or > MaxPermits) errors.Add($"{path}:Burst must be a whole number from 1 to {MaxPermits}, not {Burst}.");
        if (MaxConcurrentPerClient is < 1 or > MaxPermits)
            errors.Add($"{path}:MaxConcurrentPerClient must be a whole number from 1 to {MaxPermits}, not {MaxConcurrentPerClient}.");
        foreach (var prefix in Paths ?? [])
            if (string.IsNullOrWhiteSpace(prefix) || prefix[0] != '/' || prefix.Length > 200)
                errors.Add($"{path}:Paths: each entry must be a path starting with '/' (like /shop), not '{prefix}'.");
    }
}

/// <summary>How many dashboard event streams may be open, and for how long one lasts.</summary>
public sealed class DashboardStreamSettings
{
    /// <summary>The most <see cref="Total"/> may be.</summary>
    public const int MaxTotal = 1024;

    /// <summary>Streams open at once on the node; one more is answered 503. Default 16.</summary>
    public int Total { get; set; } = 16;

    /// <summary>Streams one client may hold open at once; one more is answered 429. Default 2.</summary>
    public int PerClient { get; set; } = 2;

    /// <summary>
    /// How long one stream lasts; then it ends, and the browser's EventSource opens a new one (its place is taken
    /// again, within the limits). Default 10 min.
    /// </summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A stream whose client reads nothing for this long (an event cannot be written) is ended. Default 10 s.</summary>
    public TimeSpan StalledAfter { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate(string path, List<string> errors)
    {
        if (Total is < 1 or > MaxTotal) errors.Add($"{path}:Total must be a whole number from 1 to {MaxTotal}, not {Total}.");
        if (PerClient < 1 || PerClient > Total) errors.Add($"{path}:PerClient must be a whole number from 1 to Total ({Total}), not {PerClient}.");
        if (Lifetime < TimeSpan.FromSeconds(1) || Lifetime > TimeSpan.FromDays(1))
            errors.Add($"{path}:Lifetime must be between 1 s and 1 day (like 00:10:00), not {Lifetime}.");
        if (StalledAfter < TimeSpan.FromSeconds(1) || StalledAfter > TimeSpan.FromMinutes(5))
            errors.Add($"{path}:StalledAfter must be between 1 s and 5 min (like 00:00:10), not {StalledAfter}.");
    }
}
