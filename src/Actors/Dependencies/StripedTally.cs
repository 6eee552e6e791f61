using System.Runtime.InteropServices;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// A count and a sum counted from many threads at once without their cores fighting over one cache line: each
/// processor adds to a cell of its own (padded to a cache line), and a reader sums the cells. Adding is lock-free
/// and exact; a read taken while others add sees each addition whole or not at all, per cell.
/// </summary>
internal sealed class StripedTally
{
    [StructLayout(LayoutKind.Explicit, Size = 128)] // two cache lines: no false sharing with the cell beside it, whatever the prefetcher pairs
    private struct Cell
    {
        [FieldOffset(0)] public long Count;
        [FieldOffset(8)] public long Sum;
    }

    private readonly Cell[] _cells = new Cell[CellCount];
    private static readonly int CellCount = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount, 1, 64));

    /// <summary>Adds one to the count and <paramref name="amount"/> to the sum (nothing when 0), in this processor's cell; a full fence.</summary>
    public void Add(long amount)
    {
        ref var cell = ref _cells[Thread.GetCurrentProcessorId() & (CellCount - 1)];
        Interlocked.Increment(ref cell.Count);
        if (amount != 0) Interlocked.Add(ref cell.Sum, amount);
    }

    /// <summary>The count over every cell.</summary>
    public long Count
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _cells.Length; i++) total += Interlocked.Read(ref _cells[i].Count);
            return total;
        }
    }

    /// <summary>The sum over every cell.</summary>
    public long Sum
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _cells.Length; i++) total += Interlocked.Read(ref _cells[i].Sum);
            return total;
        }
    }
}
