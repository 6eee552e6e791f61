namespace Orchestrator.Bench.Micro.Throughput;

/// <summary>
/// One count of completed calls per caller, each on its own cache lines so that callers on different cores do
/// not slow each other down. Each caller writes only its own count; the runner reads the sum at any time.
/// </summary>
public sealed class CallerCounters
{
    /// <summary>Longs between two callers' counts: 128 bytes, two cache lines (the adjacent-line prefetcher pulls pairs).</summary>
    private const int Stride = 16;

    private readonly long[] _counts;

    public CallerCounters(int callers)
    {
        Callers = callers;
        _counts = new long[(callers + 1) * Stride]; // the first stride is padding against the array's header
    }

    public int Callers { get; }

    /// <summary>Counts one more call of <paramref name="caller"/>; only that caller may call this.</summary>
    public void Increment(int caller)
    {
        ref var count = ref _counts[(caller + 1) * Stride];
        Volatile.Write(ref count, count + 1);
    }

    /// <summary>The calls completed so far by all callers.</summary>
    public long Total()
    {
        long total = 0;
        for (var caller = 0; caller < Callers; caller++) total += Volatile.Read(ref _counts[(caller + 1) * Stride]);
        return total;
    }
}
