using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Node.Tests;

/// <summary>Bounded input: ids, bodies, request lines and strict JSON, each refused with a JSON error naming the field or limit.</summary>
public sealed class InputLimitsTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private async Task<string> ErrorOf(HttpResponseMessage response, int status)
    {
        using var body = await NodeFixture.Read(response, status);
        return body.RootElement.GetProperty("error").GetString()!;
    }

    private async Task<HttpResponseMessage> Checkout(string json)
    {
        // Expect: 100-continue, as curl sends for a large body: the node's 413 comes before the body is sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/shop/checkout") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        return await node.Http.SendAsync(request);
    }

    [Fact]
    public async Task Ids_longer_than_128_characters_are_400_before_any_dependency_is_called()
    {
        var calls = (await node.DependencyStatusAsync("profile")).GetProperty("calls").GetProperty("succeeded").GetInt64();
        Assert.Contains("userId is 129 characters long; it may have at most 128",
            await ErrorOf(await node.Http.GetAsync($"/shop/home/{new string('u', 129)}"), 400));
        Assert.Contains("orderId is 200 characters long", await ErrorOf(await node.Http.GetAsync($"/shop/orders/{new string('o', 200)}"), 400));
        Assert.Contains("userId is 129 characters long",
            await ErrorOf(await node.Http.PostAsJsonAsync("/shop/checkout", new { userId = new string('u', 129), productId = "p-100", quantity = 1 }), 400));
        Assert.Contains("productId is 1000 characters long",
            await ErrorOf(await node.Http.PostAsJsonAsync("/shop/checkout", new { userId = "u1", productId = new string('p', 1000), quantity = 1 }), 400));
        Assert.Equal(calls, (await node.DependencyStatusAsync("profile")).GetProperty("calls").GetProperty("succeeded").GetInt64());

        // 128 is still fine.
        (await node.GetJsonAsync($"/shop/home/{new string('u', 128)}")).Dispose();
    }

    [Fact]
    public async Task A_body_over_64_KB_is_413_with_the_limit_named()
    {
        var huge = $$"""{"userId": "{{new string('u', 10 * 1024 * 1024)}}", "productId": "p-100", "quantity": 1}""";
        Assert.Contains("larger than 64 KB", await ErrorOf(await Checkout(huge), 413));
        var justOver = $$"""{"userId": "u1", "productId": "p-100", "quantity": 1, "pad": "{{new string(' ', 64 * 1024)}}"}""";
        Assert.Contains("64 KB", await ErrorOf(await Checkout(justOver), 413));
    }

    [Theory]
    [InlineData("""{"userId": "u1", "productId": "p-100", "quantity": 2147483647}""", "quantity must be a whole number from 1 to 100, not 2147483647")]
    [InlineData("""{"userId": "u1", "productId": "p-100", "quantity": 101}""", "quantity must be a whole number from 1 to 100, not 101")]
    [InlineData("""{"userId": "u1", "productId": "p-100", "quantity": -1}""", "quantity must be a whole number from 1 to 100, not -1")]
    [InlineData("""{"userId": "u1", "productId": "p-100", "quantity": "2"}""", "$.quantity")]
    [InlineData("""{"userId": "u1", "productId": "p-100", "quantity": 2.5}""", "$.quantity")]
    [InlineData("""{"userId": 42, "productId": "p-100", "quantity": 1}""", "$.userId")]
    [InlineData("""{"userId": "u1", "productId": "p-100", "quantity": 1, "coupon": "FREE"}""", "coupon")]
    [InlineData("""{"userId": "u1", "productId": """, "not valid")]
    [InlineData("""[1, 2, 3]""", "not valid")]
    [InlineData("""{"userId": "   ", "productId": "p-100", "quantity": 1}""", "userId is blank")]
    [InlineData("""{"productId": "p-100", "quantity": 1}""", "userId is missing")]
    public async Task A_checkout_body_with_a_wrong_value_or_type_is_400_naming_the_field(string json, string named) =>
        Assert.Contains(named, await ErrorOf(await Checkout(json), 400));

    [Fact]
    public async Task A_checkout_that_is_not_json_is_415()
    {
        using var response = await node.Http.PostAsync("/shop/checkout", new StringContent("userId=u1", Encoding.UTF8, "text/plain"));
        Assert.Contains("text/plain", await ErrorOf(response, 415));
    }

    [Fact]
    public async Task Unknown_paths_wrong_methods_and_long_request_lines_get_json_errors()
    {
        Assert.Contains("There is nothing at GET /nowhere", await ErrorOf(await node.Http.GetAsync("/nowhere"), 404));
        Assert.Contains("DELETE is not allowed on /shop/checkout", await ErrorOf(await node.Http.DeleteAsync("/shop/checkout"), 405));
        Assert.Contains("at most 8192",
            await ErrorOf(await node.Http.GetAsync($"/shop/home/u1?pad={new string('x', 9000)}"), (int)HttpStatusCode.RequestUriTooLong));
    }

    /// <summary>Sends <paramref name="raw"/> on a connection of its own and reads the answer until the node closes it.</summary>
    private async Task<(int Status, string Headers, string Body)> Raw(byte[] raw)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(node.BaseAddress.Host, node.BaseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(raw);
        using var read = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer, read.Token); // the node closes the connection after a rejection
        var text = Encoding.UTF8.GetString(answer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (int.Parse(text.Split(' ', 3)[1]), text[..split], text[(split + 4)..]);
    }

    [Fact]
    public async Task The_web_servers_own_rejections_answer_with_the_json_error_body_too()
    {
        var (status, headers, body) = await Raw("GARBAGE\r\n\r\n"u8.ToArray());
        Assert.Equal(400, status);
        Assert.Contains("Content-Type: application/json", headers);
        using (var json = JsonDocument.Parse(body))
            Assert.StartsWith("The request is not valid HTTP, so the node could not read it.", json.RootElement.GetProperty("error").GetString());

        var huge = Encoding.ASCII.GetBytes($"GET /shop/product/p-100 HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 40_000)}\r\n\r\n");
        (status, headers, body) = await Raw(huge);
        Assert.Equal(431, status);
        Assert.Contains($"Content-Length: {Encoding.UTF8.GetByteCount(body)}", headers);
        using (var json = JsonDocument.Parse(body))
            Assert.StartsWith("The request's headers are too large; the node takes at most 32 KB of headers.", json.RootElement.GetProperty("error").GetString());

        // The connections after them are served as usual.
        using var page = await node.Http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Theory]
    [InlineData("/shop/product/a%0D%0Ab", "productId holds the character 0x000D at position 2")]
    [InlineData("/shop/home/u%07x", "userId holds the character 0x0007 at position 2")]
    [InlineData("/shop/orders/o-1%E2%80%AE", "orderId holds the character 0x202E at position 4")]
    public async Task Ids_with_control_or_invisible_characters_are_refused_naming_the_field(string path, string expected)
    {
        Assert.StartsWith(expected, await ErrorOf(await node.Http.GetAsync(path), 400));
    }

    [Fact]
    public async Task A_checkout_whose_user_id_could_forge_a_log_line_is_refused()
    {
        using var response = await node.Http.PostAsync("/shop/checkout",
            new StringContent("""{"userId": "alice\r\n[12:00:00 INF] forged", "productId": "p-100", "quantity": 1}""", Encoding.UTF8, "application/json"));
        Assert.Equal("The checkout is not valid: userId holds the character 0x000D at position 6; ids may not hold control, separator or invisible format characters.",
            await ErrorOf(response, 400));
    }
}
