using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Orchestrator.Node.Edge;

namespace Orchestrator.Node.Tests;

/// <summary>The edge's pieces on their own: who a client is, the per-client limiter, and the mending of the server's bare rejections.</summary>
public sealed class ClientShareTests
{
    private static DefaultHttpContext Request(string address, string path = "/shop/product/p-100") =>
        new() { Connection = { RemoteIpAddress = IPAddress.Parse(address) }, Request = { Path = path } };

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void A_client_is_its_address_and_an_ipv6_client_its_64_network(string address, string key) =>
        Assert.Equal(key, ClientKey.Of(IPAddress.Parse(address)));

    [Fact]
    public void Each_client_has_its_own_bucket_only_on_the_limited_paths()
    {
        using var limiter = EdgeRateLimiting.CreateLimiter(new RateLimitSettings { PermitsPerSecond = 1, Burst = 2, MaxConcurrentPerClient = 100 });
        var leases = new List<System.Threading.RateLimiting.RateLimitLease>();
        bool Acquire(HttpContext context)
        {
            var lease = limiter.AttemptAcquire(context);
            leases.Add(lease);
            return lease.IsAcquired;
        }

        Assert.True(Acquire(Request("203.0.113.7")));
        Assert.True(Acquire(Request("203.0.113.7")));
        Assert.False(Acquire(Request("203.0.113.7"))); // its bucket is empty
        Assert.True(Acquire(Request("198.51.100.9"))); // another client's is not
        Assert.True(Acquire(Request("2001:db8::1")));
        Assert.True(Acquire(Request("2001:db8::2")));
        Assert.False(Acquire(Request("2001:db8::3"))); // the same /64: the same client
        Assert.True(Acquire(Request("203.0.113.7", "/api/status"))); // not a limited path
        foreach (var lease in leases) lease.Dispose();
    }

    [Fact]
    public void A_client_holds_at_most_its_concurrent_requests_and_a_finished_one_gives_its_place_back()
    {
        using var limiter = EdgeRateLimiting.CreateLimiter(new RateLimitSettings { PermitsPerSecond = 1000, Burst = 1000, MaxConcurrentPerClient = 2 });
        using var first = limiter.AttemptAcquire(Request("203.0.113.7"));
        var second = limiter.AttemptAcquire(Request("203.0.113.7"));
        Assert.True(first.IsAcquired && second.IsAcquired);
        using (var third = limiter.AttemptAcquire(Request("203.0.113.7"))) Assert.False(third.IsAcquired);
        second.Dispose();
        using var again = limiter.AttemptAcquire(Request("203.0.113.7"));
        Assert.True(again.IsAcquired);
    }

    [Fact]
    public void Off_it_limits_nothing()
    {
        using var limiter = EdgeRateLimiting.CreateLimiter(new RateLimitSettings { Enabled = false, PermitsPerSecond = 1, Burst = 1 });
        for (var i = 0; i < 10; i++)
        {
            using var lease = limiter.AttemptAcquire(Request("203.0.113.7"));
            Assert.True(lease.IsAcquired);
        }
    }

    [Fact]
    public void Only_the_servers_bare_error_answer_is_mended_everything_else_passes_as_it_is()
    {
        var bare = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nServer: Kestrel\r\n\r\n";
        var mended = Encoding.ASCII.GetString(ServerRejections.Mend(Encoding.ASCII.GetBytes(bare), "Invalid request line: ''")!);
        var body = mended[(mended.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + Encoding.UTF8.GetByteCount(body) + "\r\nConnection: close\r\n", mended);
        Assert.Contains("not valid HTTP", body);

        Assert.Null(ServerRejections.Mend("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8, null)); // not an error
        Assert.Null(ServerRejections.Mend("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}"u8, null)); // has a body
        Assert.Null(ServerRejections.Mend("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"u8, null)); // no empty length
        Assert.Null(ServerRejections.Mend("\u0017\u0003\u0003 encrypted"u8, null)); // TLS, or anything else
    }
}
