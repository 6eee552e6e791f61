namespace Orchestrator.Tests.Actors;

/// <summary>Work that waits until the test opens the gate, counting how many run at once.</summary>
public sealed class Gate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;
    private int _maxRunning;
    private int _started;

    public int Started => Volatile.Read(ref _started);
    public int MaxRunning => Volatile.Read(ref _maxRunning);

    /// <summary>Completes once <paramref name="count"/> works have started.</summary>
    public Task StartedAtLeast(int count) => Task.Run(async () =>
    {
        while (Started < count) await Task.Delay(5);
    });

    public void Open() => _open.TrySetResult();

    public async Task<T> Pass<T>(T value, CancellationToken token)
    {
        Interlocked.Increment(ref _started);
        var now = Interlocked.Increment(ref _running);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, now, seen) != seen) { }
        try
        {
            await _open.Task.WaitAsync(token);
            return value;
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
