using System.Collections.Concurrent;

namespace Orchestrator.Node.Downstream;

/// <summary>
/// The simulated payments service's record of charges. A charge carrying an <c>Idempotency-Key</c> is applied once:
/// a repeat with the same key answers the first charge's receipt and charges nothing. (In memory: it lives as long
/// as the node's process, like the rest of the simulated services.)
/// </summary>
public sealed class PaymentLedger
{
    /// <summary>The request header a caller sets so that a repeated charge is applied once.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    private readonly ConcurrentDictionary<string, Lazy<ChargeReceipt>> _byKey = new(StringComparer.Ordinal);
    private int _applied;

    /// <summary>Charges applied so far (repeats not counted).</summary>
    public int Applied => Volatile.Read(ref _applied);

    /// <summary>Applies <paramref name="charge"/>, once per <paramref name="idempotencyKey"/> when one is given.</summary>
    public ChargeReceipt Charge(ChargeRequest charge, string? idempotencyKey)
    {
        if (string.IsNullOrEmpty(idempotencyKey)) return Apply(charge);
        return _byKey.GetOrAdd(idempotencyKey, _ => new Lazy<ChargeReceipt>(() => Apply(charge))).Value;
    }

    /// <summary>The receipt of the charge applied for <paramref name="idempotencyKey"/>, if any.</summary>
    public ChargeReceipt? Find(string idempotencyKey) =>
        _byKey.TryGetValue(idempotencyKey, out var receipt) && receipt.IsValueCreated ? receipt.Value : null;

    private ChargeReceipt Apply(ChargeRequest charge)
    {
        Interlocked.Increment(ref _applied);
        return new ChargeReceipt($"ch-{Guid.NewGuid():N}", charge.OrderId, charge.Amount, charge.Currency, "captured");
    }
}
