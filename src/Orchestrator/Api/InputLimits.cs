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

    /// <summary>The most all of a request's headers may take together: 32 KB (the web server answers 431 beyond, in JSON).</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>
    /// The error for an id that is empty, blank, too long, or that holds a character that could forge or hide text
    /// where ids are written (logs, the order book, JSON read by people): a control character (CR, LF, tab, NUL...),
    /// a line or paragraph separator, or an invisible format character (bidirectional overrides, zero-width marks).
    /// Null when it is fine.
    /// </summary>
    public static string? CheckId(string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) return $"{field} is missing.";
        if (value.Length > MaxIdLength) return $"{field} is {value.Length} characters long; it may have at most {MaxIdLength}.";
        if (string.IsNullOrWhiteSpace(value)) return $"{field} is blank.";
        for (var i = 0; i < value.Length; i++)
            if (IsUnsafe(value[i]))
                return $"{field} holds the character 0x{(int)value[i]:X4} at position {i + 1}; ids may not hold control, separator or invisible format characters.";
        return null;
    }

    /// <summary>A character that may not appear in an id: control (Cc), line or paragraph separator (Zl, Zp), or format (Cf).</summary>
    public static bool IsUnsafe(char c) => char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Control
        or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator
        or System.Globalization.UnicodeCategory.Format;

    /// <summary><paramref name="id"/> as it may be quoted in an answer: at most 64 characters (an id already passed <see cref="CheckId"/>).</summary>
    public static string Quote(string id) => id.Length <= 64 ? id : id[..64] + "...";

    /// <summary>
    /// Refuses, with 400 naming the field, a request whose path carries an id that <see cref="CheckId"/> refuses
    /// (after routing, before the endpoint).
    /// </summary>
    public static IApplicationBuilder UseIdLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        foreach (var (name, value) in context.Request.RouteValues)
        {
            if (value is string text && CheckId(name, text) is { } problem)
            {
                await ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, problem);
                return;
            }
        }
        await next(context);
    });
}
