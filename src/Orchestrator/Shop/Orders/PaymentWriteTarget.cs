using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Shop.Orders;

/// <summary>
/// Delivers queued payments: charges the order through the payments service with the entry's idempotency key (the
/// order id, so the charge is applied once however often it is delivered), then marks the order paid. Either step
/// failing fails the attempt, and the queue tries again; a charge the payments service refuses for good (a 4xx)
/// ends the order <c>payment_failed</c> at once (<see cref="PaymentFailures"/>), and the queue poisons the write.
/// </summary>
public sealed class PaymentWriteTarget(IServiceProvider services) : IWriteTarget
{
    /// <summary>The payload of a queued payment.</summary>
    public static string Payload(ChargeRequest charge) => JsonSerializer.Serialize(charge, JsonSerializerOptions.Web);

    /// <inheritdoc />
    public string Name => DemoServices.Payments;

    /// <inheritdoc />
    public async Task ApplyAsync(QueuedWrite write, CancellationToken cancellationToken)
    {
        var charge = JsonSerializer.Deserialize<ChargeRequest>(write.Payload, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"Queued payment {write.Id} has an empty payload.");
        // A typed HttpClient per delivery, from the factory (the node registers DownstreamClient as transient).
        var downstream = services.GetRequiredService<DownstreamClient>();
        ChargeReceipt receipt;
        try
        {
            receipt = await downstream.ChargeAsync(charge, write.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        }
        catch (DownstreamException refused) when (CircuitBreakerOptions.IsCallersFault(refused))
        {
            // Refused for good (a conflict, an invalid charge): no attempt will go through. The order ends payment_failed,
            // its stock released; the queue poisons the write, naming the refusal.
            await services.GetRequiredService<PaymentFailures>()
                .FailAsync(charge.OrderId, $"payments refused the charge: {refused.Message}", cancellationToken).ConfigureAwait(false);
            throw;
        }
        await services.GetRequiredService<OrderStore>().MarkPaidAsync(charge.OrderId, receipt.ChargeId, cancellationToken).ConfigureAwait(false);
    }
}
