namespace Orchestrator.Node.Shop.Orders;

/// <summary>
/// The idempotency keys of checkouts, kept by the <see cref="OrderBook"/>: for each key the hash of its request, the
/// order placed under it and the answer it got (durable: rebuilt from the journal's events), and the keys whose first
/// request is still running (in memory, as leases of <see cref="Lease"/>: a request that died without ending its
/// lease holds the key no longer than that). Not thread-safe: owned by the order book's actor.
/// </summary>
internal sealed class CheckoutKeys(TimeProvider time)
{
    /// <summary>How long a running checkout holds its key at most; longer than any checkout takes.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, Known> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Running> _running = new(StringComparer.Ordinal);

    /// <summary>Keys known (placed or answered).</summary>
    public int Count => _known.Count;

    /// <summary>An order was placed under its key (from its event, live or replayed).</summary>
    public void Placed(Order order)
    {
        if (order.IdempotencyKey is not { } key || order.RequestHash is not { } hash) return;
        _known[key] = _known.TryGetValue(key, out var known) ? known with { OrderId = order.OrderId } : new Known(hash, order.OrderId, null, null);
    }

    /// <summary>A checkout was answered (from its event, live or replayed): its answer is the answer to every repeat.</summary>
    public void Answered(CheckoutAnswered e)
    {
        _known[e.Key] = new Known(e.RequestHash, e.OrderId ?? (_known.TryGetValue(e.Key, out var known) ? known.OrderId : null), e.Status, e.Body);
        _running.Remove(e.Key);
    }

    /// <summary>
    /// A checkout under <paramref name="key"/> with a request of <paramref name="hash"/> begins: its stored answer when
    /// there is one, a conflict when the key was used for another request, "in progress" while another request holds
    /// the key; otherwise it takes the key (a lease) and goes on, with the order already placed under it if any
    /// (<paramref name="orderOf"/>), to be resumed.
    /// </summary>
    public object Begin(string key, string hash, Func<string, Order?> orderOf)
    {
        var now = time.GetUtcNow();
        if (_known.TryGetValue(key, out var known))
        {
            if (known.RequestHash != hash) return new CheckoutKeyConflict(key, known.OrderId);
            if (known.Status is { } status) return new CheckoutReplay(key, status, known.Body!);
        }
        if (_running.TryGetValue(key, out var running) && running.Until > now)
            return running.RequestHash == hash ? new CheckoutInProgress(key) : new CheckoutKeyConflict(key, null);
        _running[key] = new Running(hash, now + Lease);
        return new CheckoutBegun(key, known?.OrderId is { } orderId ? orderOf(orderId) : null);
    }

    /// <summary>The request that held <paramref name="key"/> ended without an answer to keep: the key is free again.</summary>
    public void End(string key) => _running.Remove(key);

    /// <summary>The order placed under <paramref name="key"/>, if any.</summary>
    public string? OrderOf(string key) => _known.TryGetValue(key, out var known) ? known.OrderId : null;

    /// <summary>Every key known, for a snapshot of the order book.</summary>
    public CheckoutKeyState[] ToSnapshot() => [.. _known.Select(k => new CheckoutKeyState(k.Key, k.Value.RequestHash, k.Value.OrderId, k.Value.Status, k.Value.Body))];

    /// <summary>Takes the keys of a snapshot (replacing any known).</summary>
    public void Restore(IEnumerable<CheckoutKeyState> keys)
    {
        _known.Clear();
        foreach (var k in keys) _known[k.Key] = new Known(k.RequestHash, k.OrderId, k.Status, k.Body);
    }

    /// <summary>What is known of a key: its request's hash, its order, and its answer (null until answered).</summary>
    private sealed record Known(string RequestHash, string? OrderId, int? Status, string? Body);

    /// <summary>A request holding a key, until <paramref name="Until"/>.</summary>
    private sealed record Running(string RequestHash, DateTimeOffset Until);
}

/// <summary>A checkout key as a snapshot of the order book keeps it: its request's hash, its order, its answer.</summary>
public sealed record CheckoutKeyState(string Key, string RequestHash, string? OrderId, int? Status, string? Body);
