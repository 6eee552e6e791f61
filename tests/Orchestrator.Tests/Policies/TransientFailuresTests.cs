using System.Net;
using System.Net.Sockets;
using Orchestrator.Actors.Retry;

namespace Orchestrator.Tests.Policies;

public sealed class TransientFailuresTests
{
    private sealed class GatewayTimeoutException : TimeoutException;

    private static HttpRequestException Http(HttpStatusCode? status) => new("call failed", null, status);

    // ----- transient -----

    [Fact]
    public void A_timeout_is_transient()
    {
        Assert.True(TransientFailures.IsTransient(new TimeoutException()));
        Assert.True(TransientFailures.IsTransient(new GatewayTimeoutException()));
    }

    [Fact]
    public void An_http_error_with_no_status_is_transient()
    {
        // No status: the request never got an answer (connection refused, reset, DNS...).
        Assert.True(TransientFailures.IsTransient(new HttpRequestException()));
        Assert.True(TransientFailures.IsTransient(Http(null)));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public void Server_errors_and_too_many_requests_are_transient(HttpStatusCode status) =>
        Assert.True(TransientFailures.IsTransient(Http(status)), $"{(int)status} should be transient");

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    [InlineData((HttpStatusCode)428)]
    [InlineData((HttpStatusCode)430)]
    [InlineData((HttpStatusCode)499)]
    public void Client_errors_other_than_too_many_requests_are_not_transient(HttpStatusCode status) =>
        Assert.False(TransientFailures.IsTransient(Http(status)), $"{(int)status} should not be transient");

    [Fact]
    public void A_socket_error_is_transient()
    {
        Assert.True(TransientFailures.IsTransient(new SocketException((int)SocketError.ConnectionRefused)));
        Assert.True(TransientFailures.IsTransient(new SocketException((int)SocketError.ConnectionReset)));
    }

    [Fact]
    public void An_io_error_is_transient()
    {
        Assert.True(TransientFailures.IsTransient(new IOException("connection closed")));
        Assert.True(TransientFailures.IsTransient(new EndOfStreamException()));
    }

    // ----- not transient -----

    [Fact]
    public void Programming_and_logic_errors_are_not_transient()
    {
        Assert.False(TransientFailures.IsTransient(new InvalidOperationException()));
        Assert.False(TransientFailures.IsTransient(new ArgumentException()));
        Assert.False(TransientFailures.IsTransient(new ArgumentNullException("x")));
        Assert.False(TransientFailures.IsTransient(new NullReferenceException()));
        Assert.False(TransientFailures.IsTransient(new FormatException()));
        Assert.False(TransientFailures.IsTransient(new Exception("boom")));
    }

    [Fact]
    public void A_cancellation_with_no_timeout_behind_it_is_not_transient()
    {
        Assert.False(TransientFailures.IsTransient(new OperationCanceledException()));
        Assert.False(TransientFailures.IsTransient(new TaskCanceledException()));
    }

    // ----- inner exceptions -----

    [Fact]
    public void An_inner_transient_failure_makes_the_outer_one_transient()
    {
        Assert.True(TransientFailures.IsTransient(new InvalidOperationException("wrapped", new TimeoutException())));
        Assert.True(TransientFailures.IsTransient(new InvalidOperationException("wrapped", new SocketException())));
        Assert.True(TransientFailures.IsTransient(new InvalidOperationException("wrapped", Http(HttpStatusCode.ServiceUnavailable))));
    }

    [Fact]
    public void An_inner_transient_failure_counts_however_deep()
    {
        var deep = new InvalidOperationException("a",
            new ApplicationException("b",
                new ArgumentException("c",
                    new IOException("d"))));
        Assert.True(TransientFailures.IsTransient(deep));
    }

    [Fact]
    public void An_http_client_timeout_is_transient()
    {
        // HttpClient reports its timeout as a TaskCanceledException wrapping a TimeoutException.
        Assert.True(TransientFailures.IsTransient(new TaskCanceledException("timed out", new TimeoutException())));
    }

    [Fact]
    public void An_aggregate_of_a_transient_failure_is_transient()
    {
        Assert.True(TransientFailures.IsTransient(new AggregateException(new TimeoutException())));
        Assert.False(TransientFailures.IsTransient(new AggregateException(new InvalidOperationException())));
    }

    [Fact]
    public void An_inner_failure_that_is_not_transient_leaves_the_outer_one_not_transient()
    {
        Assert.False(TransientFailures.IsTransient(new InvalidOperationException("wrapped", new ArgumentException())));
        Assert.False(TransientFailures.IsTransient(new InvalidOperationException("wrapped", Http(HttpStatusCode.NotFound))));
        Assert.False(TransientFailures.IsTransient(
            new InvalidOperationException("a", new InvalidOperationException("b", new FormatException()))));
    }
}
