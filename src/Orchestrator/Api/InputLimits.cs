namespace Orchestrator.Node.Api;

/// <summary>
/// How much a request may carry, so that nothing a caller sends can fill the node's memory, disk or log: ids at
/// most <see cref="MaxIdLength"/> characters (in paths and bodies), bodies at most <see cref="MaxBodyBytes"/>, a
/// path and query at most <see cref="MaxRequestTarget"/> characters. Each refusal is a 4xx with a JSON error naming
/// the limit, given before any dependency is called.
/// </summary>
public static class InputLimits
{
    /// <summary>The longest id (user, product, order, dependency, feature, write): 128 characters.</summary>
    public const int MaxIdLength = 128;

    /// <summary>The largest request body: 64 KB (413 beyond).</summary>
    public const long MaxBodyBytes = 64 * 1024;

    /// <summary>The longest path and query: 8 KB (414 beyond, in JSON).</summary>
    public const int MaxRequestTarget = 8 * 1024;

    /// <summary>
    /// The web server's own limit on a request line, above <see cref="MaxRequestTarget"/> so that the node itself
    /// answers (in JSON) up to it; beyond it the server refuses with a bare 414 before the node sees the request.
    /// </summary>
    public const int ServerRequestLine = 64 * 1024;

    /// <summary>The error for an id that is too long or empty; null when it is fine.</summary>
    public static string? CheckId(string field, string? value) => value switch
    {
        null or "" => $"{field} is missing.",
        { Length: > MaxIdLength } => $"{field} is {value.Length} characters long; it may have at most {MaxIdLength}.",
        _ when string.IsNullOrWhiteSpace(value) => $"{field} is blank.",
        _ => null,
    };

    /// <summary>Refuses, with 400, a request whose path carries an id longer than <see cref="MaxIdLength"/> (after routing, before the endpoint).</summary>
    public static IApplicationBuilder UseIdLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        foreach (var (name, value) in context.Request.RouteValues)
        {
            if (value is string text && text.Length > MaxIdLength)
            {
                await ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, CheckId(name, text)!);
                return;
            }
        }
        await next(context);
    });
}
