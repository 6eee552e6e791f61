namespace Orchestrator.Bench.Node;

/// <summary>What a client sent under one idempotency key, and every answer it got (or the error in its place).</summary>
public sealed class KeyRecord(string key, string userId, string productId, int quantity)
{
    private readonly List<KeyAnswer> _answers = [];

    public string Key { get; } = key;
    public string UserId { get; } = userId;
    public string ProductId { get; } = productId;
    public int Quantity { get; } = quantity;

    /// <summary>Every answer, in the order they came.</summary>
    public IReadOnlyList<KeyAnswer> Answers
    {
        get { lock (_answers) return [.. _answers]; }
    }

    public void Add(KeyAnswer answer)
    {
        lock (_answers) _answers.Add(answer);
    }
}

/// <summary>One answer to a checkout: its status (0 when no answer came: a broken connection, a timeout) and body.</summary>
public sealed record KeyAnswer(int Status, string? Body, string? OrderId, string? OrderStatus, string? Error)
{
    /// <summary>An answer that ends the key: the order is paid, pending with its charge queued, or its payment failed.</summary>
    public bool IsFinal => Status is 200 or 202 or 402;
}
