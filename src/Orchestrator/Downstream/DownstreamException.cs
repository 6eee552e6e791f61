using System.Net;

namespace Orchestrator.Node.Downstream;

/// <summary>A simulated downstream service answered with an error status; counts as a failure of that dependency.</summary>
public sealed class DownstreamException(string service, HttpStatusCode status, string? body)
    : HttpRequestException($"'{service}' answered {(int)status} {status}{(string.IsNullOrWhiteSpace(body) ? "" : ": " + body)}", null, status)
{
    /// <summary>The service that failed.</summary>
    public string Service { get; } = service;
}
