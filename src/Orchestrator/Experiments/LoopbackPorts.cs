using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Node.Experiments;

/// <summary>
/// Ports for node processes started on loopback (a local cluster, the tests' nodes), chosen below the range the
/// operating system hands out for port 0 and for outgoing connections. A port taken there and set free again can be
/// handed to anyone before the node that was meant to have it binds it: a stand-in server of another node, bound
/// to port 0, once took a management port that way (address already in use). Below that range only an explicit bind
/// takes a port; within this process no port is handed out twice.
/// </summary>
internal static class LoopbackPorts
{
    /// <summary>Where the search starts when the ephemeral range cannot be read: the IANA dynamic range begins at 49152.</summary>
    private const int DefaultEphemeralStart = 49152;

    /// <summary>The lowest port handed out (well above the well-known and most registered services).</summary>
    private const int Lowest = 20000;

    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Given = [];
    private static int _next = -1;

    /// <summary><paramref name="count"/> TCP ports free on loopback now, none of them handed out before by this process.</summary>
    public static int[] Take(int count)
    {
        var highest = EphemeralStart() - 1;
        if (highest - Lowest < 1000) return FromTheSystem(count); // no room below it: the old way
        var span = highest - Lowest + 1;
        var ports = new List<int>(count);
        lock (Gate)
        {
            // A random start per process, then upwards: two test processes picking at once rarely meet.
            if (_next < 0) _next = Lowest + Random.Shared.Next(span);
            for (var tried = 0; ports.Count < count && tried < span; tried++)
            {
                var port = _next;
                _next = _next >= highest ? Lowest : _next + 1;
                if (!Given.Contains(port) && IsFree(port))
                {
                    Given.Add(port);
                    ports.Add(port);
                }
            }
        }
        return ports.Count == count ? [.. ports] : throw new InvalidOperationException($"Only {ports.Count} of {count} free ports found between {Lowest} and {highest}.");
    }

    private static bool IsFree(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>The first port of the ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range; elsewhere the IANA default).</summary>
    private static int EphemeralStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists(range)
                && int.TryParse(File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], out var start))
                return start;
        }
        catch (IOException)
        {
            // unreadable: the default below
        }
        return DefaultEphemeralStart;
    }

    /// <summary>Ports the system picks (bound to 0, then set free): for a system whose ephemeral range leaves no room below it.</summary>
    private static int[] FromTheSystem(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
