using System.Text.Json;

namespace Orchestrator.Node.Api;

/// <summary>
/// Every 4xx and 5xx the node itself gives has a JSON body <c>{"error": "..."}</c> naming the problem, in every
/// environment: a request too long (414), a body too large (413) or malformed (400, naming the field), an unknown
/// path (404) or method (405), a wrong media type (415), and any failure of the node (500, without a stack trace; the
/// details go to the log). A caller's bad input is a 4xx in the log, never a 500.
/// </summary>
public static class ErrorResponses
{
    /// <summary>Puts the JSON errors around everything that follows (call it first, inside request logging).</summary>
    public static IApplicationBuilder UseJsonErrors(this IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            var target = context.Request.Path.Value?.Length + context.Request.QueryString.Value?.Length ?? 0;
            if (target > InputLimits.MaxRequestTarget)
            {
                await WriteAsync(context, StatusCodes.Status414UriTooLong,
                    $"The request's path and query are {target} characters long; they may have at most {InputLimits.MaxRequestTarget}.");
                return;
            }
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                await WriteAsync(context, e.StatusCode, Describe(e));
            }
            catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ErrorResponses))
                    .LogError(e, "The node failed to answer {RequestMethod} {RequestPath}", context.Request.Method, context.Request.Path.Value);
                await WriteAsync(context, StatusCodes.Status500InternalServerError,
                    $"The node failed to answer this request ({e.GetType().Name}); the details are in its log.");
            }
        });
        // An answer with an error status and no body yet (no endpoint, a method not allowed, ...) gets one.
        app.UseStatusCodePages(async pages =>
        {
            var context = pages.HttpContext;
            await WriteAsync(context, context.Response.StatusCode, Describe(context.Response.StatusCode, context.Request));
        });
        return app;
    }

    /// <summary>Writes <c>{"error": error}</c> with <paramref name="statusCode"/>.</summary>
    public static async Task WriteAsync(HttpContext context, int statusCode, string error)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, new ErrorBody(error), NodeJson.Options, context.RequestAborted);
    }

    private static readonly string TooLarge =
        $"The request body is larger than {InputLimits.MaxBodyBytes / 1024} KB ({InputLimits.MaxBodyBytes} bytes), the most the node takes.";

    private static string Describe(BadHttpRequestException e)
    {
        if (e.StatusCode == StatusCodes.Status413PayloadTooLarge) return TooLarge;
        // The JSON reader says where the body is wrong ("... Path: $.quantity | LineNumber: 0 | BytePositionInLine: 27."): keep the path.
        if (e.InnerException is JsonException json)
            return $"The request body is not valid: {json.Message.Split(" | LineNumber", 2)[0]}";
        return e.Message;
    }

    private static string Describe(int status, HttpRequest request) => status switch
    {
        StatusCodes.Status404NotFound => $"There is nothing at {request.Method} {Shorten(request.Path.Value)}; GET / lists the node's endpoints.",
        StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {Shorten(request.Path.Value)}; GET / lists the node's endpoints.",
        StatusCodes.Status413PayloadTooLarge => TooLarge,
        StatusCodes.Status415UnsupportedMediaType => $"The request's media type '{Shorten(request.ContentType)}' is not supported; send application/json.",
        _ => $"The request to {request.Method} {Shorten(request.Path.Value)} failed with status {status}.",
    };

    private static string Shorten(string? value) => value is null ? "none" : value.Length <= 200 ? value : value[..200] + "...";
}
