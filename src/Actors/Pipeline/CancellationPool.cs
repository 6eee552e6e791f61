using System.Collections.Concurrent;

namespace Orchestrator.Actors.Pipeline;

/// <summary>
/// Reusable cancellation sources whose timers run on one <see cref="TimeProvider"/>: an attempt's timeout costs no
/// allocation on the common path (like Polly's pool). A source goes back only when it was never cancelled and its
/// timer was far from due, so that a timer firing late can never cancel the next user's token. Each thread keeps
/// one source of the system clock at hand (no shared queue on the common path); the rest wait in a shared queue.
/// Thread-safe.
/// </summary>
internal sealed class CancellationPool(TimeProvider time)
{
    private const int MaxKept = 1024;

    [ThreadStatic]
    private static CancellationTokenSource? _atHand; // a system-clock source: any pool of the system clock may use it

    private readonly bool _systemClock = time == TimeProvider.System;
    private readonly ConcurrentQueue<CancellationTokenSource> _free = new();
    private int _kept;

    /// <summary>A source that cancels itself after <paramref name="delay"/>.</summary>
    public CancellationTokenSource Rent(TimeSpan delay)
    {
        CancellationTokenSource? source = null;
        if (_systemClock && _atHand is { } handy)
        {
            _atHand = null;
            source = handy;
        }
        else if (_free.TryDequeue(out source))
        {
            Interlocked.Decrement(ref _kept);
        }
        source ??= _systemClock ? new CancellationTokenSource() : new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        source.CancelAfter(delay);
        return source;
    }

    /// <summary>Gives <paramref name="source"/> back after it ran <paramref name="ran"/> of its <paramref name="delay"/>.</summary>
    public void Return(CancellationTokenSource source, TimeSpan ran, TimeSpan delay)
    {
        if (ran < delay / 2 && source.TryReset())
        {
            if (_systemClock && _atHand is null)
            {
                _atHand = source;
                return;
            }
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
