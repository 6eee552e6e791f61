using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>
/// One real node per test class, started in-process on free ports (HTTP and remoting both on port 0), reached
/// over real HTTP. <see cref="ResetAsync"/> puts it back to normal (no chaos, every breaker closed) between tests.
/// </summary>
public class NodeFixture : IAsyncLifetime
{
    private WebApplication? _app;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"orchestrator-test-{Guid.NewGuid():N}");

    /// <summary>
    /// The arguments of a test node, followed by <paramref name="extra"/>. Each call names a SQLite file of its own
    /// (in the temp directory) for the node's journal, so nodes started together never share one; a later
    /// <c>--Orchestrator:WriteQueue:DatabasePath</c> in <paramref name="extra"/> wins.
    /// </summary>
    public static string[] Args(params string[] extra) =>
    [
        "--urls", "http://127.0.0.1:0",
        $"--Orchestrator:WriteQueue:DatabasePath={Path.Combine(Path.GetTempPath(), "orchestrator-test-nodes", $"node-{Guid.NewGuid():N}.db")}",
        "--Cluster:Hostname=127.0.0.1",
        "--Cluster:Port=0",
        "--Serilog:MinimumLevel:Default=Warning",
        // The coordinator's own decisions (stress levels, cool-downs) are tested under virtual time in
        // Orchestrator.Tests; here they would race the assertions, so it never samples. Flags by hand still work.
        "--Orchestrator:Stress:SampleInterval=01:00:00",
        // The tests play many clients from one address (loopback): the per-client fair share would refuse their load.
        // EdgeLimitsTests turns it on, with small limits.
        "--Edge:RateLimit:Enabled=false",
        .. extra,
    ];

    /// <summary>A client whose base address is the node's bound HTTP address.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The node's bound HTTP address.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>
    /// A client of the node's simulated services: their own server, on loopback only (not the node's address), as
    /// the node itself calls them.
    /// </summary>
    public HttpClient Downstream => _downstream ??= new HttpClient
    {
        BaseAddress = Services.GetRequiredService<Orchestrator.Node.Downstream.DownstreamBaseAddress>().Get(),
        Timeout = TimeSpan.FromSeconds(30),
    };

    private HttpClient? _downstream;

    /// <summary>The node's services (its typed downstream client, its settings...).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The node has not started.");

    /// <summary>A user id no test has used yet, so that no cache holds anything for it.</summary>
    public static string NewUser() => $"u-{Guid.NewGuid():N}"[..14];

    /// <summary>The node's journal (write queue and orders): a SQLite file in a temporary directory of its own, removed at the end.</summary>
    public string DatabasePath => Path.Combine(_dataDirectory, "node.db");

    /// <summary>The running node's configuration (its providers can be added to and reloaded, as a changed appsettings.json would be).</summary>
    public Microsoft.Extensions.Configuration.IConfiguration Configuration =>
        _app?.Configuration ?? throw new InvalidOperationException("The node is not running.");

    /// <summary>Settings of this fixture's node beyond <see cref="Args"/>'s.</summary>
    protected virtual string[] ExtraArgs => [];

    public virtual Task InitializeAsync() => StartAsync(waitUntilUp: true);

    /// <summary>Starts the node; with <paramref name="waitUntilUp"/>, waits until it is an Up member and serves.</summary>
    protected async Task StartAsync(bool waitUntilUp)
    {
        _app = NodeHost.Build(Args([$"--Orchestrator:WriteQueue:DatabasePath={DatabasePath}", .. ExtraArgs]));
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.Single());
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (!waitUntilUp) return;

        // The node joins itself as it starts; wait until it is an Up member.
        await Poll.UntilAsync(async () =>
        {
            using var status = await GetJsonAsync("/api/status");
            return status.RootElement.GetProperty("node").GetProperty("memberStatus").GetString();
        }, s => s == "Up", "the node becomes an Up cluster member");
        await Poll.UntilAsync(async () =>
        {
            using var ready = await Http.GetAsync("/health/ready");
            return (int)ready.StatusCode;
        }, s => s == 200, "the node is ready");
    }

    /// <summary>Stops the node as SIGTERM would (the host's stop: drain, write queue, HTTP, order book, cluster, actor system).</summary>
    public Task StopNodeAsync() => _stop ??= _app!.StopAsync();

    private Task? _stop;

    /// <summary>Disposes the stopped node's app, so that another can start on the same journal (a restart).</summary>
    protected async Task DisposeAppAsync()
    {
        Http?.Dispose();
        _downstream?.Dispose();
        _downstream = null;
        if (_app is not null) await _app.DisposeAsync();
        _app = null;
        _stop = null;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await StopNodeAsync();
            await _app.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>Clears every service's chaos and injected fault, closes every breaker, and clears every feature's manual setting and cool-down.</summary>
    public async Task ResetAsync()
    {
        foreach (var name in DemoServices.All)
        {
            (await OperatorDeleteAsync($"/api/demo/services/{name}")).EnsureSuccessStatusCode();
            using (var faults = await OperatorDeleteAsync($"/api/faults/{name}"))
                if (faults.StatusCode != System.Net.HttpStatusCode.Forbidden) faults.EnsureSuccessStatusCode(); // 403: injection is off on this node
            (await OperatorPostAsync($"/api/dependencies/{name}/reset")).EnsureSuccessStatusCode();
        }
        using var features = await GetJsonAsync("/api/features");
        foreach (var feature in features.RootElement.EnumerateArray())
        {
            (await OperatorAsync(HttpMethod.Put, $"/api/features/{feature.GetProperty("name").GetString()}", "{\"enabled\": null}")).EnsureSuccessStatusCode();
        }
    }

    /// <summary>The node's Admin:Token, when this fixture sets one.</summary>
    public virtual string? AdminToken => null;

    /// <summary>
    /// A changing operator request as an operator sends it: <c>Content-Type: application/json</c> with
    /// <paramref name="body"/> (an empty object by default), from this machine, with the bearer token when the node has one.
    /// </summary>
    public async Task<HttpResponseMessage> OperatorAsync(HttpMethod method, string path, string body = "{}")
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (AdminToken is { } token) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request);
    }

    /// <summary>An operator's POST (see <see cref="OperatorAsync"/>).</summary>
    public Task<HttpResponseMessage> OperatorPostAsync(string path) => OperatorAsync(HttpMethod.Post, path);

    /// <summary>An operator's DELETE (see <see cref="OperatorAsync"/>).</summary>
    public Task<HttpResponseMessage> OperatorDeleteAsync(string path) => OperatorAsync(HttpMethod.Delete, path);

    /// <summary>GETs <paramref name="path"/>, expects 200, and parses the JSON body.</summary>
    public async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        return await Read(response, 200);
    }

    /// <summary>Sets chaos on <paramref name="service"/> and expects it to be accepted.</summary>
    public async Task SetChaosAsync(string service, object body)
    {
        using var response = await Http.PostAsJsonAsync($"/api/demo/services/{service}", body);
        (await Read(response, 200)).Dispose();
    }

    /// <summary>Parses the body of <paramref name="response"/> after checking its status code.</summary>
    public static async Task<JsonDocument> Read(HttpResponseMessage response, int expectedStatus)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus,
            $"Expected {expectedStatus} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text);
    }

    /// <summary>The status of one dependency from <c>/api/status</c>.</summary>
    public async Task<JsonElement> DependencyStatusAsync(string name)
    {
        using var status = await GetJsonAsync("/api/status");
        return status.RootElement.GetProperty("dependencies").EnumerateArray()
            .Single(d => d.GetProperty("name").GetString() == name).Clone();
    }
}
