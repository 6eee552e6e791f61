using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Orchestrator.Node.Configuration;

namespace Orchestrator.Node.Downstream;

/// <summary>
/// Where the simulated services are: <c>Downstream:BaseUrl</c> when set, else the address this node's HTTP server
/// actually bound (read at first use, so it is right for port 0 too), with a wildcard host replaced by loopback.
/// </summary>
public sealed class DownstreamBaseAddress(IServer server, DownstreamSettings settings)
{
    private Uri? _resolved;

    /// <summary>The base address, ending in '/'.</summary>
    public Uri Get() => _resolved ??= Resolve();

    private Uri Resolve()
    {
        if (settings.BaseUrl is { } configured) return WithSlash(new Uri(configured, UriKind.Absolute));

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var chosen = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException(
                "The node's HTTP address is not known yet (the server has not started); set Downstream:BaseUrl to call the simulated services elsewhere.");
        return WithSlash(Loopback(chosen));
    }

    /// <summary>Turns a listen address (<c>http://+:5080</c>, <c>http://[::]:5080</c>, <c>http://0.0.0.0:0</c>) into one a client can call.</summary>
    internal static Uri Loopback(string address)
    {
        // '+' and '*' are not valid URI hosts: replace them before parsing.
        var text = address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal);
        var builder = new UriBuilder(text);
        if (builder.Host is "0.0.0.0" or "[::]" or "::") builder.Host = "127.0.0.1";
        return builder.Uri;
    }

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
