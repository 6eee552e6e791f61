using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Primitives;

namespace Orchestrator.Node.Api;

/// <summary>
/// <c>AllowedHosts</c> (the <c>Host</c> headers the node answers, <c>;</c>-separated, <c>*.example.com</c> wildcards)
/// checked in the node's own pipeline, so that a refused <c>Host</c> gets the JSON error body like every other 400.
/// ASP.NET Core's host filter, which answers before everything with a small HTML page, is told to let every host by.
/// A reload of configuration (appsettings.json saved) takes effect on the next request, as it did with that filter.
/// </summary>
public static class AllowedHosts
{
    /// <summary>The configuration key, as ASP.NET Core reads it.</summary>
    public const string Key = "AllowedHosts";

    /// <summary>Lets ASP.NET Core's own host filter pass every host: <see cref="UseAllowedHosts"/> checks them.</summary>
    public static IServiceCollection LetEveryHostPastTheFrameworksFilter(this IServiceCollection services) =>
        services.PostConfigure<HostFilteringOptions>(o => o.AllowedHosts = ["*"]);

    /// <summary>Answers 400 with the JSON error to a request whose <c>Host</c> is not among those <paramref name="configuration"/> allows (none, or <c>*</c>: every host).</summary>
    public static IApplicationBuilder UseAllowedHosts(this IApplicationBuilder app, IConfiguration configuration)
    {
        var patterns = Patterns(configuration[Key]);
        ChangeToken.OnChange(configuration.GetReloadToken, () => Volatile.Write(ref patterns, Patterns(configuration[Key])));
        return app.Use(async (context, next) =>
        {
            var allowed = Volatile.Read(ref patterns);
            var host = context.Request.Host;
            // No Host at all (HTTP/1.0) is let by, as ASP.NET Core's filter does by default; HTTP/1.1 requires one.
            if (allowed is null || !host.HasValue || HostString.MatchesAny(new StringSegment(host.Host), allowed))
            {
                await next(context);
                return;
            }
            await ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest,
                $"The request's Host header '{InputLimits.Quote(host.Host)}' names no host this node answers to (its {Key} setting).");
        });
    }

    /// <summary>The patterns of <paramref name="configured"/>; null when every host is allowed (none configured, or <c>*</c>).</summary>
    private static List<StringSegment>? Patterns(string? configured)
    {
        var patterns = (configured ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return patterns.Length == 0 || patterns.Contains("*") ? null : patterns.Select(p => new StringSegment(p)).ToList();
    }
}
