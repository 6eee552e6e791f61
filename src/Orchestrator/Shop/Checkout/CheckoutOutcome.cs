using System.Text.Json;

namespace Orchestrator.Node.Shop;

/// <summary>
/// What a checkout came to: its status and JSON body (built once, so that a repeat under the same idempotency key
/// gets the very same bytes), the order it concerns, whether the answer is kept for repeats (a final answer: paid,
/// pending with the charge queued, payment failed; not a refusal, which did nothing), and its result for the metric.
/// </summary>
internal sealed record CheckoutOutcome(int Status, string Body, string? OrderId, bool Keep, string Result)
{
    /// <summary>A final answer, kept for the repeats of its key.</summary>
    public static CheckoutOutcome Final(int status, object body, string? orderId, string result) =>
        new(status, JsonSerializer.Serialize(body, body.GetType(), NodeJson.Options), orderId, Keep: true, result);

    /// <summary>An answer for this request only (refused with nothing done, the outcome not known, or the checkout could not be completed now): a repeat tries again.</summary>
    public static CheckoutOutcome Passing(int status, object body, string? orderId, string result) =>
        new(status, JsonSerializer.Serialize(body, body.GetType(), NodeJson.Options), orderId, Keep: false, result);
}
