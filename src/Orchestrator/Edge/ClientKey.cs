using System.Net;
using System.Net.Sockets;
using Orchestrator.Node.Api;

namespace Orchestrator.Node.Edge;

/// <summary>
/// Who a request comes from, for the fair-share limits: <c>operator</c> when it carries the node's
/// <c>Admin:Token</c>; else its address: an IPv4 address as it is, an IPv6 address by its /64 network (one
/// client commonly holds a whole /64, so its addresses count as one), an IPv4-mapped IPv6 address as IPv4.
/// Behind a proxy every request has the proxy's address: enable forwarded headers
/// (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c>) so that the client's own address is used.
/// </summary>
public static class ClientKey
{
    /// <summary>The key of the operator's requests.</summary>
    public const string Operator = "operator";

    /// <summary>The client of <paramref name="context"/>.</summary>
    public static string Of(HttpContext context)
    {
        var access = context.RequestServices?.GetService<OperatorAccess>();
        if (access is not null && access.CarriesToken(context.Request)) return Operator;
        return Of(context.Connection.RemoteIpAddress);
    }

    /// <summary>The client key of <paramref name="address"/>.</summary>
    public static string Of(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
