using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Orchestrator.Node.Tests;

/// <summary>A node that answers only some <c>Host</c> headers (<c>AllowedHosts</c>, a wildcard among them).</summary>
public sealed class AllowedHostsNodeFixture : NodeFixture
{
    protected override string[] ExtraArgs => ["--AllowedHosts=127.0.0.1;localhost;*.shop.test"];
}

/// <summary>
/// A request whose <c>Host</c> the node does not answer gets 400 with the JSON error naming the header, like every
/// other refusal (ASP.NET Core's host filter gave a small HTML page, before the node's pipeline); the hosts it
/// answers, wildcards included, are served.
/// </summary>
public sealed class AllowedHostsTests(AllowedHostsNodeFixture node) : IClassFixture<AllowedHostsNodeFixture>
{
    private Task<HttpResponseMessage> GetWithHost(string host)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        request.Headers.Host = host;
        return node.Http.SendAsync(request);
    }

    [Fact]
    public async Task A_host_the_node_does_not_answer_is_400_with_the_json_error_naming_it()
    {
        using var refused = await GetWithHost("evil.example");
        using var error = await NodeFixture.Read(refused, 400);
        Assert.Equal("The request's Host header 'evil.example' names no host this node answers to (its AllowedHosts setting).",
            error.RootElement.GetProperty("error").GetString());
        Assert.Equal("application/json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("eu.shop.test")]
    public async Task The_hosts_it_answers_are_served(string host)
    {
        using var served = await GetWithHost(host);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task A_reload_of_configuration_changes_the_hosts_it_answers()
    {
        var configuration = (IConfigurationRoot)node.Services.GetRequiredService<IConfiguration>();
        var before = configuration["AllowedHosts"];
        using (var refused = await GetWithHost("other.test"))
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        try
        {
            configuration["AllowedHosts"] = before + ";other.test";
            configuration.Reload();
            using var served = await GetWithHost("other.test");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }
        finally
        {
            configuration["AllowedHosts"] = before;
            configuration.Reload();
        }
        using var refusedAgain = await GetWithHost("other.test");
        Assert.Equal(HttpStatusCode.BadRequest, refusedAgain.StatusCode);
    }

    [Fact]
    public async Task Its_own_address_is_served()
    {
        using var served = await node.Http.GetAsync("/api/status");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }
}
