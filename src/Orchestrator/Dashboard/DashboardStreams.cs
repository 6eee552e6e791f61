namespace Orchestrator.Node.Dashboard;

/// <summary>Counts the open <c>/dashboard/events</c> streams, at most <see cref="Limit"/> at once. Thread-safe.</summary>
public sealed class DashboardStreams
{
    /// <summary>Open streams allowed at once; one more gets 503.</summary>
    public const int Limit = 16;

    private int _open;

    /// <summary>Streams open now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Takes a place; false when all are taken.</summary>
    public bool TryOpen()
    {
        if (Interlocked.Increment(ref _open) <= Limit) return true;
        Interlocked.Decrement(ref _open);
        return false;
    }

    /// <summary>Gives a place back.</summary>
    public void Close() => Interlocked.Decrement(ref _open);
}
