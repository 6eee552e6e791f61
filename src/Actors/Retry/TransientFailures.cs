using System.Net;

namespace Orchestrator.Actors.Retry;

/// <summary>Which failures are worth retrying by default: timeouts, network errors, HTTP 5xx and 429.</summary>
internal static class TransientFailures
{
    /// <summary>Whether <paramref name="error"/> is transient: a later attempt may well succeed.</summary>
    public static bool IsTransient(Exception error) => error switch
    {
        TimeoutException => true,
        HttpRequestException { StatusCode: null } => true,
        HttpRequestException { StatusCode: { } status } => (int)status >= 500 || status == HttpStatusCode.TooManyRequests,
        System.Net.Sockets.SocketException => true,
        IOException => true,
        _ => error.InnerException is { } inner && IsTransient(inner),
    };
}
