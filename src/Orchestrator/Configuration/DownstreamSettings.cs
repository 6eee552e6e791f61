namespace Orchestrator.Node.Configuration;

/// <summary>
/// Where the guarded calls find the simulated downstream services, and how far the simulated read replica lags;
/// section <c>Downstream</c>. By default the services are
/// served by this node, and found at the address its HTTP server actually bound (which works on port 0 too).
/// </summary>
public sealed class DownstreamSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Downstream";

    /// <summary>The base URL of the simulated services, like <c>http://127.0.0.1:5080/</c>. Default: this node's own address.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The HTTP client's own limit on one request; guarded calls usually cancel sooner. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest a replica lag may be: one hour.</summary>
    public static readonly TimeSpan MaxReplicaLag = TimeSpan.FromHours(1);

    /// <summary>
    /// How far the simulated read replica (<c>profile-replica</c>) lags behind its primary: its answers say they are
    /// as of this long ago. Default 2 s.
    /// </summary>
    public TimeSpan ReplicaLag { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Adds every problem to <paramref name="errors"/>, naming the setting.</summary>
    public void Validate(List<string> errors)
    {
        if (BaseUrl is not null
            && (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            errors.Add($"{SectionName}:BaseUrl must be an absolute http or https URL, not '{BaseUrl}'.");
        if (RequestTimeout <= TimeSpan.Zero)
            errors.Add($"{SectionName}:RequestTimeout must be positive, not {RequestTimeout}.");
        if (ReplicaLag < TimeSpan.Zero || ReplicaLag > MaxReplicaLag)
            errors.Add($"{SectionName}:ReplicaLag must be between 0 and {MaxReplicaLag}, not {ReplicaLag}.");
    }
}
