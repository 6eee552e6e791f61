namespace Orchestrator.Node.Lifecycle;

/// <summary>
/// The node's own health probe for container health checks (<c>--health-check URL</c>): one GET, exit code 0 for
/// 200 within <see cref="Timeout"/>, else 1, with one line saying what it got.
/// </summary>
public static class HealthProbe
{
    /// <summary>How long the probe waits for the answer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>Probes <paramref name="url"/>; the process's exit code.</summary>
    public static async Task<int> RunAsync(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            await Console.Error.WriteLineAsync($"--health-check needs an absolute http or https URL, not '{url}'.");
            return 2;
        }
        try
        {
            using var http = new HttpClient { Timeout = Timeout };
            using var response = await http.GetAsync(uri);
            var body = await response.Content.ReadAsStringAsync();
            Console.WriteLine($"{(int)response.StatusCode} {(body.Length <= 300 ? body : body[..300])}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"{uri} did not answer: {e.Message}");
            return 1;
        }
    }
}
