using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Node.Configuration;

/// <summary>
/// Checks, before anything starts, that the remoting port is free: a second process on a live node's port must
/// fail at once naming the port, not take the node's identity in the cluster.
/// </summary>
public static class PortCheck
{
    /// <summary>How long the check waits for a connection to the port.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Checks every explicit port of the HTTP <paramref name="urls"/> (<c>;</c>-separated, as <c>--urls</c> takes
    /// them): HTTP binds after the actor system has joined the cluster, so a node whose HTTP port is taken would
    /// join, then fail; this fails it before.
    /// </summary>
    public static void EnsureHttpFree(string? urls)
    {
        if (string.IsNullOrWhiteSpace(urls)) return;
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // "+" and "*" stand for any address; Uri does not take them.
            var parsable = url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(parsable, UriKind.Absolute, out var uri) || uri.IsDefaultPort && !parsable.Contains($":{uri.Port}", StringComparison.Ordinal)) continue;
            var host = uri.Host is "localhost" ? "127.0.0.1" : uri.Host.Trim('[', ']');
            EnsureFree($"The HTTP address {url}: port", host, uri.Port);
        }
    }

    /// <summary>Throws <see cref="PortInUseException"/> when <paramref name="port"/> on <paramref name="hostname"/> is taken; nothing for port 0.</summary>
    public static void EnsureFree(string setting, string hostname, int port)
    {
        if (port == 0) return;
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(hostname, out var parsed) ? [parsed] : Dns.GetHostAddresses(hostname);
        }
        catch (SocketException)
        {
            return; // the name does not resolve (yet): remoting reports its own error
        }
        foreach (var address in addresses)
        {
            // Is anything listening there? A connection is the test: binding is not, since DotNetty binds with
            // SO_REUSEADDR and a second process could bind the same port next to a live node, while a bind without
            // it fails on connections of a killed earlier instance left in TIME_WAIT.
            var target = address.Equals(IPAddress.Any) ? IPAddress.Loopback : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : address;
            using var probe = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            bool listening;
            try
            {
                listening = probe.ConnectAsync(new IPEndPoint(target, port)).Wait(ConnectTimeout);
            }
            catch (AggregateException)
            {
                listening = false; // refused (or unreachable): nobody listens
            }
            if (listening)
                throw new PortInUseException(
                    $"{setting} {port} on {address} is already in use by another process (another node?); a node needs a port of its own. " +
                    "Stop the other process, or choose another port (0 picks a free one).");
        }
    }
}

/// <summary>A port the node needs is taken; the message names the setting, the port and the address.</summary>
public sealed class PortInUseException(string message) : Exception(message);
