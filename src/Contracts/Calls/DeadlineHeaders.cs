using System.Globalization;
using System.Text.RegularExpressions;

namespace Orchestrator.Contracts;

/// <summary>
/// How a deadline travels over HTTP: the caller sends <c>X-Deadline</c> with an absolute ISO 8601 UTC time
/// (<c>2026-11-01T09:00:00.1234567Z</c>); a service that gets a request whose deadline has passed answers 504 at
/// once, marked with <c>X-Deadline-Exceeded: true</c>.
/// </summary>
public static partial class DeadlineHeaders
{
    /// <summary>The request header carrying the caller's deadline.</summary>
    public const string Name = "X-Deadline";

    /// <summary>The response header that marks a 504 given because the request's deadline had passed.</summary>
    public const string Exceeded = "X-Deadline-Exceeded";

    /// <summary>The header value for <paramref name="deadline"/>: ISO 8601, UTC, to the tick.</summary>
    public static string Format(DateTimeOffset deadline) =>
        deadline.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads a header value; false (and a sentence saying why in <paramref name="error"/>) when it is not an ISO 8601 time with a zone.</summary>
    public static bool TryParse(string? text, out DateTimeOffset deadline, out string? error)
    {
        deadline = default;
        error = null;
        if (text is not null && Iso8601().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out deadline))
            return true;
        error = $"{Name} must be an ISO 8601 time with a zone, like {Format(new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero))}, not '{text}'.";
        return false;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Iso8601();
}

/// <summary>
/// Sends the deadline of the guarded call that makes a request (<see cref="GuardedCallContext.Deadline"/>) as
/// <see cref="DeadlineHeaders.Name"/>, so that the next service can stop work nobody waits for. Add it to an
/// <see cref="HttpClient"/> used inside guarded calls' work (<c>services.AddHttpClient(...).AddHttpMessageHandler</c>,
/// or <c>new HttpClient(new DeadlineHandler { InnerHandler = new HttpClientHandler() })</c>). A request that
/// carries the header already keeps its own.
/// </summary>
public sealed class DeadlineHandler : DelegatingHandler
{
    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (GuardedCallContext.Deadline is { } deadline && !request.Headers.Contains(DeadlineHeaders.Name))
            request.Headers.TryAddWithoutValidation(DeadlineHeaders.Name, DeadlineHeaders.Format(deadline));
        return base.SendAsync(request, cancellationToken);
    }
}
