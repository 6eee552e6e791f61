using Orchestrator.Node.Configuration;

namespace Orchestrator.Node.Downstream;

/// <summary>
/// Where the simulated services are: <c>Downstream:BaseUrl</c> when set, else this node's own stand-in server
/// (<see cref="StandInServer"/>: loopback, a port of its own).
/// </summary>
public sealed class DownstreamBaseAddress(StandInServer? standIn, DownstreamSettings settings)
{
    private readonly Uri? _configured = settings.BaseUrl is { } url ? WithSlash(new Uri(url, UriKind.Absolute)) : null;

    /// <summary>The base address, ending in '/'.</summary>
    public Uri Get() => _configured ?? standIn?.Address
        ?? throw new InvalidOperationException("No simulated services: set Downstream:BaseUrl.");

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
