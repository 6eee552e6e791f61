using System.Collections.Concurrent;

namespace Orchestrator.Actors.Pipeline;

/// <summary>
/// Reusable cancellation sources whose timers run on one <see cref="TimeProvider"/>: an attempt's timeout costs no
/// allocation on the common path (like Polly's pool). A source goes back only when it was never cancelled and
/// its timer was far from due, so that a timer firing late can never cancel the next user's token. Thread-safe.
/// </summary>
public sealed class CancellationPool(TimeProvider time)
{
    private const int MaxKept = 1024;
    private readonly ConcurrentQueue<CancellationTokenSource> _free = new();
    private int _kept;

    /// <summary>A source that cancels itself after <paramref name="delay"/>.</summary>
    public CancellationTokenSource Rent(TimeSpan delay)
    {
        if (_free.TryDequeue(out var source)) Interlocked.Decrement(ref _kept);
        else source = time == TimeProvider.System ? new CancellationTokenSource() : new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        source.CancelAfter(delay);
        return source;
    }

    /// <summary>Gives <paramref name="source"/> back after it ran <paramref name="ran"/> of its <paramref name="delay"/>.</summary>
    public void Return(CancellationTokenSource source, TimeSpan ran, TimeSpan delay)
    {
        if (ran < delay / 2 && source.TryReset())
        {
            if (Interlocked.Increment(ref _kept) <= MaxKept)
            {
                _free.Enqueue(source);
                return;
            }
            Interlocked.Decrement(ref _kept);
        }
        source.Dispose();
    }
}
