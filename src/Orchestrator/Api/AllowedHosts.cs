using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Primitives;

namespace Orchestrator.Node.Api;

/// <summary>
/// <c>AllowedHosts</c> (the <c>Host</c> headers the node answers, <c>;</c>-separated, <c>*.example.com</c> wildcards)
/// checked in the node's own pipeline, so that a refused <c>Host</c> gets the JSON error body like every other 400.
/// ASP.NET Core's host filter, which answers before everything with a small HTML page, is told to let every host by.
/// </summary>
public static class AllowedHosts
{
    /// <summary>The configuration key, as ASP.NET Core reads it.</summary>
    public const string Key = "AllowedHosts";

    /// <summary>Lets ASP.NET Core's own host filter pass every host: <see cref="UseAllowedHosts"/> checks them.</summary>
    public static IServiceCollection MoveHostFilteringIntoThePipeline(this IServiceCollection services) =>
        services.PostConfigure<HostFilteringOptions>(o => o.AllowedHosts = ["*"]);

    /// <summary>Answers 400 with the JSON error to a request whose <c>Host</c> is not among <paramref name="configured"/> (none, or <c>*</c>: every host).</summary>
    public static IApplicationBuilder UseAllowedHosts(this IApplicationBuilder app, string? configured)
    {
        var patterns = (configured ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (patterns.Length == 0 || patterns.Contains("*")) return app;
        var segments = patterns.Select(p => new StringSegment(p)).ToList();
        return app.Use(async (context, next) =>
        {
            var host = context.Request.Host;
            // No Host at all (HTTP/1.0) is let by, as ASP.NET Core's filter does by default; HTTP/1.1 requires one.
            if (!host.HasValue || HostString.MatchesAny(new StringSegment(host.Host), segments))
            {
                await next(context);
                return;
            }
            await ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest,
                $"The request's Host header '{InputLimits.Quote(host.Host)}' names no host this node answers to (its {Key} setting).");
        });
    }
}
