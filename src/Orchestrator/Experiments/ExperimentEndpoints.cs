using Orchestrator.Experiments;
using Orchestrator.Node.Api;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Orchestrator.Node.Experiments;

/// <summary>
/// <c>GET /api/experiments</c> lists the stored experiments; <c>POST /api/experiments/run</c> runs one (the body is
/// an experiment document, or <c>?name=</c> names a stored one) against this node and answers its report, written
/// to the reports directory too. An operator endpoint; one run at a time per node (409 while one runs).
/// </summary>
public static class ExperimentEndpoints
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>The stored experiments.</summary>
    public sealed record ExperimentList(string Directory, IReadOnlyList<ExperimentStore.StoredExperiment> Experiments);

    /// <summary>A report and where it was written.</summary>
    public sealed record RunAnswer(ExperimentReport Report, string? JsonReport, string? MarkdownReport, string? ReportNotWritten);

    public static IEndpointRouteBuilder MapExperimentApi(this IEndpointRouteBuilder app, ExperimentStore store)
    {
        app.MapGet("/api/experiments", () => Results.Ok(new ExperimentList(store.Directory, store.List())));
        app.MapPost("/api/experiments/run", async (HttpRequest request, string? name, IServer server, IHttpClientFactory clients, CancellationToken ct) =>
        {
            Experiment? experiment;
            string? error;
            if (name is not null) (experiment, error) = store.Load(name);
            else
            {
                // A document is small: at most InputLimits.MaxBodyBytes, read in full before anything else.
                var buffer = new MemoryStream();
                var chunk = new byte[8192];
                int read;
                while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
                {
                    buffer.Write(chunk, 0, read);
                    if (buffer.Length > InputLimits.MaxBodyBytes)
                        return ErrorBody.Result(StatusCodes.Status413PayloadTooLarge, $"An experiment document may be at most {InputLimits.MaxBodyBytes} bytes.");
                }
                (experiment, error) = ExperimentReader.Read(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            }
            if (experiment is null) return name is not null && error!.StartsWith("No experiment", StringComparison.Ordinal) ? ErrorBody.NotFound(error) : ErrorBody.BadRequest(error!);
            if (experiment.NodeCount > 1)
                return ErrorBody.BadRequest($"This experiment runs against {experiment.NodeCount} nodes; the HTTP API runs experiments against this node only. " +
                    "Run it from the command line: experiment run FILE with --target URL for each node, or with none to start a cluster of its own.");
            if (!await OneAtATime.WaitAsync(TimeSpan.Zero, ct))
                return ErrorBody.Result(StatusCodes.Status409Conflict, "An experiment is running on this node; run one at a time.");
            try
            {
                if (SelfAddress(server) is not { } self)
                    return ErrorBody.Result(StatusCodes.Status503ServiceUnavailable, "The node listens on no plain HTTP address to run experiments against; run them from the command line with --target.");
                using var http = clients.CreateClient(nameof(ExperimentEndpoints));
                if (request.Headers.Authorization is { Count: > 0 } authorization)
                    http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization.ToString()); // the operator's own token
                var report = await new ExperimentRunner(http, [self]).RunAsync(experiment, ct);
                // Faults it did not inject were active: nothing ran, and the answer names them.
                if (report.Verdict == Verdicts.Refused) return ErrorBody.Result(StatusCodes.Status409Conflict, report.Reason);
                try
                {
                    var (json, markdown) = store.Write(report);
                    return Results.Ok(new RunAnswer(report, json, markdown, null));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The run happened: its report is the answer, even where it cannot be kept.
                    return Results.Ok(new RunAnswer(report, null, null, $"The report could not be written ({ExperimentSettings.SectionName}:ReportsDirectory): {e.Message}"));
                }
            }
            finally
            {
                OneAtATime.Release();
            }
        }).RequireOperator();
        return app;
    }

    /// <summary>This node's own HTTP address, on loopback (the runner calls the node it runs on).</summary>
    private static Uri? SelfAddress(IServer server)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal));
        if (address is null) return null;
        // Any-address bindings are reached on loopback; a specific address is used as it is.
        return new Uri(address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1"));
    }
}
