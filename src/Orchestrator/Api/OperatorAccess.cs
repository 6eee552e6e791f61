using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;
using Orchestrator.Node.Configuration;

namespace Orchestrator.Node.Api;

/// <summary>
/// Guards the operator endpoints that change something. With <c>Admin:Token</c> set, a request needs
/// <c>Authorization: Bearer &lt;token&gt;</c> (401 otherwise); without it, only loopback callers are answered (403
/// otherwise). Either way the request must say <c>Content-Type: application/json</c> (415 otherwise; an empty
/// <c>{}</c> body is fine): a browser cannot send that cross-site without a preflight the node never grants, so a
/// page on another site cannot forge an operator's request. Nothing changes when a request is refused.
/// </summary>
public sealed class OperatorAccess(AdminSettings settings) : IEndpointFilter
{
    private readonly byte[]? _token = settings.HasToken ? Encoding.UTF8.GetBytes(settings.Token!) : null;

    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (Refusal(http.Request, http.Connection.RemoteIpAddress) is { } refusal) return ValueTask.FromResult<object?>(refusal);
        return next(context);
    }

    /// <summary>Why the request may not read an operator's data, as the answer to give; null when it may.</summary>
    public IResult? ReadRefusal(HttpRequest request, IPAddress? caller)
    {
        if (_token is not null)
        {
            if (IsBearer(request.Headers.Authorization.ToString(), _token)) return null;
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return ErrorBody.Result(StatusCodes.Status401Unauthorized, "This operator read needs 'Authorization: Bearer <token>' with the node's Admin:Token.");
        }
        return caller is not null && IPAddress.IsLoopback(caller)
            ? null
            : ErrorBody.Result(StatusCodes.Status403Forbidden, "Admin:Token is not set, so operator reads answer only callers on this machine (loopback).");
    }

    /// <summary>Why the request may not change anything, as the answer to give; null when it may.</summary>
    public IResult? Refusal(HttpRequest request, IPAddress? caller)
    {
        if (_token is not null)
        {
            if (!IsBearer(request.Headers.Authorization.ToString(), _token))
            {
                request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
                return ErrorBody.Result(StatusCodes.Status401Unauthorized,
                    "This operator endpoint needs 'Authorization: Bearer <token>' with the node's Admin:Token.");
            }
        }
        else if (caller is null || !IPAddress.IsLoopback(caller))
        {
            return ErrorBody.Result(StatusCodes.Status403Forbidden,
                "Admin:Token is not set, so operator endpoints answer only callers on this machine (loopback).");
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            return ErrorBody.Result(StatusCodes.Status415UnsupportedMediaType,
                $"Operator requests must be sent with 'Content-Type: application/json' (an empty {{}} body is fine), not '{Shorten(request.ContentType)}'.");
        return null;
    }

    /// <summary>Whether <paramref name="request"/> carries the node's <c>Admin:Token</c> (false when none is set).</summary>
    public bool CarriesToken(HttpRequest request) => _token is not null && IsBearer(request.Headers.Authorization.ToString(), _token);

    private static bool IsBearer(string header, byte[] token)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var given = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(given, token); // no timing hint of how much matched
    }

    private static string Shorten(string? value) => value is null ? "none" : value.Length <= 64 ? value : value[..64] + "...";
}

/// <summary>Puts <see cref="OperatorAccess"/> in front of an endpoint.</summary>
public static class OperatorAccessExtensions
{
    /// <summary>The endpoint changes something: only an operator may use it.</summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, OperatorAccess>();

    /// <summary>
    /// The endpoint reads what only an operator may see (everyone's orders): with <c>Admin:Token</c> set, the bearer
    /// token; without it, loopback callers only. A read needs no media type.
    /// </summary>
    public static TBuilder RequireOperatorRead<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter((context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<OperatorAccess>().ReadRefusal(context.HttpContext.Request,
                context.HttpContext.Connection.RemoteIpAddress) is { } refusal
                ? ValueTask.FromResult<object?>(refusal)
                : next(context));
}
