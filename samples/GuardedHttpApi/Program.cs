// An ASP.NET Core API that guards the HTTP service it depends on ("quotes") with the orchestrator: a timeout, a
// bulkhead, a circuit breaker, a cache that answers stale when the service fails, and a fallback. The quotes service
// is simulated in the same process (/upstream/...) so that the sample runs alone:
//   dotnet run --urls http://127.0.0.1:5080
//   curl http://127.0.0.1:5080/quotes/ACME                 -> Succeeded
//   curl -X POST http://127.0.0.1:5080/upstream/outage     -> the quotes service fails from now on
//   curl http://127.0.0.1:5080/quotes/ACME                 -> the cached quote, marked Stale (after its 1 s fresh time)
//   curl http://127.0.0.1:5080/quotes/NEW                  -> Fallback, "unavailable", and after 3 failures BreakerOpen
using Akka.Hosting;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Hosting;
using Orchestrator.Contracts;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddHttpClient("quotes", http =>
{
    http.BaseAddress = new Uri(builder.Configuration["Quotes:BaseAddress"] ?? "http://127.0.0.1:5080/");
    http.Timeout = TimeSpan.FromSeconds(10); // the orchestrator's timeout (Orchestrator:Dependencies:quotes:Timeout) comes first
});
builder.Services.AddAkka("quotes-api", akka => akka
    .WithOrchestrator(builder.Configuration.GetSection("Orchestrator")));
builder.Services.AddGuardedCalls();
var app = builder.Build();

app.MapGet("/quotes/{symbol}", async (string symbol, IGuardedCalls calls, IHttpClientFactory http, CancellationToken ct) =>
{
    if (symbol.Length is 0 or > 12 || !symbol.All(char.IsAsciiLetterOrDigit))
        return Results.BadRequest(new { error = "The symbol must be 1 to 12 letters or digits." });
    var result = await calls.CallAsync(new GuardedCall<Quote>("quotes", async token =>
        await http.CreateClient("quotes").GetFromJsonAsync<Quote>($"upstream/quotes/{symbol}", token)
            ?? throw new HttpRequestException("The quotes service answered nothing."))
    {
        Key = symbol, // the cache's key: the last good quote of this symbol answers while the service fails
        Fallback = (failure, _) => Task.FromResult(new Quote(symbol, null)),
    }, ct);
    return Results.Ok(new QuoteAnswer(result.Value, result.Outcome.ToString(), result.Reason.ToString(), result.Source?.ToString(),
        result.Freshness.ToString(), result.Detail));
});

app.MapGet("/status", async (IGuardedCalls calls, CancellationToken ct) =>
{
    var quotes = (await calls.StatusAsync(ct)).Dependencies.Single(d => d.Name == "quotes");
    return Results.Ok(new { breaker = quotes.Breaker.State.ToString(), inFlight = quotes.Bulkhead.InFlight });
});

// The simulated quotes service.
var outage = false;
app.MapGet("/upstream/quotes/{symbol}", (string symbol) =>
    Volatile.Read(ref outage) ? Results.StatusCode(503) : Results.Ok(new Quote(symbol, 100m + symbol.Length)));
app.MapPost("/upstream/outage", () => { Volatile.Write(ref outage, true); return Results.NoContent(); });
app.MapPost("/upstream/recover", () => { Volatile.Write(ref outage, false); return Results.NoContent(); });

app.Run();

public sealed record Quote(string Symbol, decimal? Price);

/// <summary>What the API answers: the quote, and what the guarded call did (Succeeded, or Fallback with the reason and which fallback).</summary>
public sealed record QuoteAnswer(Quote? Quote, string Outcome, string Reason, string? Source, string Freshness, string? Detail);
