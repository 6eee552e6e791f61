namespace Orchestrator.Node.Configuration;

/// <summary>
/// Where the guarded calls find the simulated downstream services; section <c>Downstream</c>. By default they are
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

    /// <summary>Adds every problem to <paramref name="errors"/>, naming the setting.</summary>
    public void Validate(List<string> errors)
    {
        if (BaseUrl is not null
            && (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            errors.Add($"{SectionName}:BaseUrl must be an absolute http or https URL, not '{BaseUrl}'.");
        if (RequestTimeout <= TimeSpan.Zero)
            errors.Add($"{SectionName}:RequestTimeout must be positive, not {RequestTimeout}.");
    }
}
