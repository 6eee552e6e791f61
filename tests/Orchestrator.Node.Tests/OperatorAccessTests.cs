using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Api;
using Orchestrator.Node.Configuration;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>With an Admin:Token, changing operator endpoints need it; reads stay open; a refused request changes nothing.</summary>
public sealed class TokenAccessTests(TokenNodeFixture node) : IClassFixture<TokenNodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    private async Task<HttpResponseMessage> Isolate(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/dependencies/{DemoServices.Reviews}/isolate")
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await node.Http.SendAsync(request);
    }

    private async Task<string> BreakerOfReviews() =>
        (await node.DependencyStatusAsync(DemoServices.Reviews)).GetProperty("breaker").GetProperty("state").GetString()!;

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-0123456789abcdef")]
    [InlineData("test-token-0123456789abcde")]  // one character short
    public async Task Without_the_right_token_a_changing_request_is_401_and_changes_nothing(string? token)
    {
        using var response = await Isolate(token);
        using var body = await NodeFixture.Read(response, 401);
        Assert.Contains("Authorization: Bearer", body.RootElement.GetProperty("error").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("Closed", await BreakerOfReviews());
    }

    [Fact]
    public async Task With_the_right_token_it_is_carried_out()
    {
        using var response = await Isolate(TokenNodeFixture.Token);
        using var body = await NodeFixture.Read(response, 200);
        Assert.Equal("Isolated", body.RootElement.GetProperty("state").GetString());
        Assert.Equal("Isolated", await BreakerOfReviews());
    }

    [Fact]
    public async Task Reads_need_no_token()
    {
        foreach (var path in new[] { "/api/status", "/api/features", "/api/demo/services", "/health", "/api/write-queue" })
            (await node.GetJsonAsync(path)).Dispose();
    }
}

/// <summary>Without an Admin:Token: loopback callers only, and never a request a browser could forge cross-site.</summary>
public sealed class LoopbackAccessTests(NodeFixture node) : IClassFixture<NodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => node.ResetAsync();
    public Task DisposeAsync() => node.ResetAsync();

    [Theory]
    [InlineData("text/plain")]                          // what a cross-site fetch or form may send without a preflight
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData(null)]
    public async Task A_cross_site_shaped_request_is_415_and_changes_nothing(string? contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/demo/services/{DemoServices.Payments}")
        {
            Content = contentType is null ? null : new StringContent("""{"outage": true}""", Encoding.UTF8),
        };
        if (contentType is not null) request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await node.Http.SendAsync(request);

        using var body = await NodeFixture.Read(response, 415);
        Assert.Contains("Content-Type: application/json", body.RootElement.GetProperty("error").GetString());
        using var chaos = await node.GetJsonAsync($"/api/demo/services/{DemoServices.Payments}");
        Assert.False(chaos.RootElement.GetProperty("outage").GetBoolean());

        using var isolate = await node.Http.PostAsync($"/api/dependencies/{DemoServices.Payments}/isolate", null);
        (await NodeFixture.Read(isolate, 415)).Dispose();
        Assert.Equal("Closed", (await node.DependencyStatusAsync(DemoServices.Payments)).GetProperty("breaker").GetProperty("state").GetString());
    }

    [Fact]
    public void A_caller_from_another_machine_is_403_while_no_token_is_set_and_the_right_token_lets_anyone_in()
    {
        var open = new OperatorAccess(new AdminSettings());
        Assert.Equal(403, StatusOf(open.Refusal(JsonRequest(), IPAddress.Parse("10.1.2.3"))));
        Assert.Equal(403, StatusOf(open.Refusal(JsonRequest(), null)));
        Assert.Null(open.Refusal(JsonRequest(), IPAddress.IPv6Loopback));
        Assert.Null(open.Refusal(JsonRequest(), IPAddress.Loopback));

        var guarded = new OperatorAccess(new AdminSettings { Token = TokenNodeFixture.Token });
        Assert.Equal(401, StatusOf(guarded.Refusal(JsonRequest(), IPAddress.Loopback))); // with a token, loopback is no pass
        Assert.Null(guarded.Refusal(JsonRequest($"Bearer {TokenNodeFixture.Token}"), IPAddress.Parse("10.1.2.3")));
        Assert.Equal(415, StatusOf(guarded.Refusal(JsonRequest($"Bearer {TokenNodeFixture.Token}", "text/plain"), IPAddress.Parse("10.1.2.3"))));
    }

    [Fact]
    public void A_token_too_short_or_with_spaces_stops_the_node_naming_the_setting_but_not_the_token()
    {
        var errors = new List<string>();
        new AdminSettings { Token = "short" }.Validate(errors);
        new AdminSettings { Token = "has a space in it, sixteen+" }.Validate(errors);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.StartsWith("Admin:Token must", e));
        Assert.DoesNotContain(errors, e => e.Contains("short") || e.Contains("sixteen"));
    }

    private static HttpRequest JsonRequest(string? authorization = null, string contentType = "application/json")
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        context.Request.ContentType = contentType;
        if (authorization is not null) context.Request.Headers.Authorization = authorization;
        return context.Request;
    }

    private static int? StatusOf(IResult? result) => (result as IStatusCodeHttpResult)?.StatusCode;
}
