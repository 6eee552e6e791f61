using System.Text.Json.Serialization;
using Orchestrator.Contracts;

namespace Orchestrator.Node.Shop;

/// <summary>The 503 answer of a page that cannot be served without a critical dependency.</summary>
/// <param name="Error">A sentence naming the dependency and the problem.</param>
/// <param name="Dependency">The critical dependency that did not answer.</param>
/// <param name="Outcome">What happened to its call; absent when the page's deadline came before its call answered.</param>
/// <param name="Reason">Why it did not answer.</param>
/// <param name="Detail">The orchestrator's own account of the failure.</param>
/// <param name="Trail">The steps of the fallback chain that were tried (primary, replica...) and why each gave no answer.</param>
public sealed record CriticalFailureBody(
    string Error,
    string Dependency,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CallOutcome? Outcome,
    DegradationReason Reason,
    string? Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ChainStep>? Trail)
{
    /// <summary>The 503 answer for <paramref name="result"/>, which has no usable value.</summary>
    public static IResult For(ICallResult result, string page) => Respond(Of(result, page));

    /// <summary>The body of the 503 answer for <paramref name="result"/>.</summary>
    public static CriticalFailureBody Of(ICallResult result, string page) =>
        new(Sentence(page, result.Dependency, result.Reason), result.Dependency, result.Outcome, result.Reason,
            result.Detail, result.Trail.Count == 0 ? null : result.Trail);

    /// <summary>The 503 answer for a critical <paramref name="part"/> of a composed page that has no value; it is filled by <paramref name="dependency"/>.</summary>
    public static IResult For(ComposedPart part, string dependency, string page) =>
        part.Result is { } result
            ? For(result, page)
            : Respond(new CriticalFailureBody(Sentence(page, dependency, part.Reason), dependency, null, part.Reason, part.Detail, null));

    private static string Sentence(string page, string dependency, DegradationReason reason) =>
        $"The {page} cannot be served: its critical dependency '{dependency}' did not answer ({reason}).";

    private static IResult Respond(CriticalFailureBody body)
    {
        var json = Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
        return body.Reason == DegradationReason.Shed ? new RetryAfterResult(json) : json;
    }

    /// <summary>
    /// A 503 for a shed request: the same body, with a Retry-After header (whole seconds, at least 1) from the
    /// node's own <see cref="ShedRetryAfter"/> (per node, not static: tests run several nodes in one process).
    /// </summary>
    private sealed class RetryAfterResult(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var after = httpContext.RequestServices.GetService<ShedRetryAfter>()?.Value ?? TimeSpan.FromSeconds(1);
            httpContext.Response.Headers.RetryAfter = ShedRetryAfter.Seconds(after).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}

/// <summary>How long a client should wait before retrying a shed request: <c>Orchestrator:Admission:RetryAfter</c>.</summary>
/// <param name="Value">The configured time.</param>
public sealed record ShedRetryAfter(TimeSpan Value)
{
    /// <summary>The whole seconds of <paramref name="after"/>, rounded up, at least 1: what the Retry-After header says.</summary>
    public static int Seconds(TimeSpan after) => Math.Max(1, (int)Math.Ceiling(after.TotalSeconds));
}
