using System.Net;

namespace Orchestrator.Node.Downstream;

/// <summary>A simulated downstream service answered with an error status; counts as a failure of that dependency.</summary>
public class DownstreamException(string service, HttpStatusCode status, string? body)
    : HttpRequestException($"'{service}' answered {(int)status} {status}{(string.IsNullOrWhiteSpace(body) ? "" : ": " + body)}", null, status)
{
    /// <summary>The service that failed.</summary>
    public string Service { get; } = service;
}

/// <summary>
/// A simulated downstream service answered 504 because the request's <c>X-Deadline</c> had passed. That says
/// nothing about the service's health, only that the caller ran out of time: the node's dependencies' breakers
/// ignore it (<c>Breaker:IgnoredExceptions</c>), as they ignore an attempt cut short by the caller's deadline.
/// </summary>
public sealed class DownstreamDeadlineException(string service, string? body)
    : DownstreamException(service, HttpStatusCode.GatewayTimeout, body);
