using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Tests;

/// <summary>
/// The downstream services of a node under test, served by the test itself (the node's <c>Downstream:BaseUrl</c>
/// points here), so that their record outlives the node: inventory always reserves; payments is down (503) until
/// <see cref="Up"/>, and then applies each <c>Idempotency-Key</c> once, keeping the order in which charges were applied.
/// </summary>
public sealed class PaymentsStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ChargeReceipt> _receipts = new();
    private readonly List<string> _applied = [];
    private int _received;
    private volatile bool _up;

    private PaymentsStandIn(WebApplication app) => _app = app;

    /// <summary>Where the node should send its downstream calls.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Whether payments answers.</summary>
    public bool Up { get => _up; set => _up = value; }

    /// <summary>The order ids charged, in the order the charges were applied (each once).</summary>
    public IReadOnlyList<string> Applied
    {
        get { lock (_applied) return [.. _applied]; }
    }

    /// <summary>Charge requests received while up (repeats included).</summary>
    public int Received => Volatile.Read(ref _received);

    public static async Task<PaymentsStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var standIn = new PaymentsStandIn(app);
        app.MapPost("/downstream/inventory/reservations", (ReservationRequest r) =>
            Results.Ok(new Reservation($"r-{Guid.NewGuid():N}", r.ProductId, r.Quantity, DateTimeOffset.UtcNow.AddMinutes(15))));
        app.MapPost("/downstream/payments/charges", (ChargeRequest charge, HttpRequest request) => standIn.Charge(charge, request));
        await app.StartAsync();
        standIn.BaseAddress = new Uri(app.Urls.Single() + "/");
        return standIn;
    }

    private IResult Charge(ChargeRequest charge, HttpRequest request)
    {
        if (!_up) return Results.Json(new { error = "payments is down" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        Interlocked.Increment(ref _received);
        var key = request.Headers[PaymentLedger.IdempotencyHeader].ToString();
        if (key.Length == 0) return Results.Json(new { error = "an Idempotency-Key is required" }, statusCode: StatusCodes.Status400BadRequest);
        lock (_applied)
        {
            if (!_receipts.TryGetValue(key, out var receipt))
            {
                receipt = new ChargeReceipt($"ch-{Guid.NewGuid():N}", charge.OrderId, charge.Amount, charge.Currency, "captured");
                _receipts[key] = receipt;
                _applied.Add(charge.OrderId);
            }
            return Results.Ok(receipt);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
