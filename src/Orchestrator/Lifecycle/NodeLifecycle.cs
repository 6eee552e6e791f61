namespace Orchestrator.Node.Lifecycle;

/// <summary>
/// Where the node is in its life (starting, ready, draining, stopping), and how many requests are in flight through
/// the <see cref="StopGate"/>. Draining: the stop has begun, readiness is 503, and requests are still served (each
/// answer closing its connection); stopping: new requests are refused. Lock-free: read on every request.
/// </summary>
public sealed class NodeLifecycle
{
    private const int Starting = 0, Ready = 1, Draining = 2, Stopping = 3;
    private int _phase;
    private int _inFlight;

    /// <summary>The phase's name, as <c>/health/ready</c> shows it.</summary>
    public string Phase => Volatile.Read(ref _phase) switch { Starting => "Starting", Ready => "Ready", Draining => "Draining", _ => "Stopping" };

    /// <summary>Whether the host has started and the stop has not begun.</summary>
    public bool IsReady => Volatile.Read(ref _phase) == Ready;

    /// <summary>Whether the stop has begun (draining or stopping).</summary>
    public bool IsLeaving => Volatile.Read(ref _phase) >= Draining;

    /// <summary>Whether the node drains: it still serves, and every answer closes its connection.</summary>
    public bool IsDraining => Volatile.Read(ref _phase) == Draining;

    /// <summary>Whether the node refuses new requests (the drain period is over).</summary>
    public bool IsStopping => Volatile.Read(ref _phase) == Stopping;

    /// <summary>Requests in flight through the gate.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The host has started (a stop already begun stays begun).</summary>
    public void MarkReady() => Interlocked.CompareExchange(ref _phase, Ready, Starting);

    /// <summary>The process's exit code once the host has stopped: 0, <see cref="NodeExit.RemovedByCluster"/> or <see cref="NodeExit.UnreadableStore"/>.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    private int _exitCode;

    /// <summary>A journal cannot be read: the node stops, and the process will exit with <see cref="NodeExit.UnreadableStore"/>.</summary>
    public void MarkUnreadableStore()
    {
        Volatile.Write(ref _exitCode, NodeExit.UnreadableStore);
        MarkStopping();
    }

    /// <summary>The cluster downed or removed this node: it stops serving, and the process will exit non-zero.</summary>
    public void MarkRemovedByCluster()
    {
        Volatile.Write(ref _exitCode, NodeExit.RemovedByCluster);
        MarkStopping();
    }

    /// <summary>The stop begins: readiness turns 503; requests are still served, each answer closing its connection.</summary>
    public void MarkDraining()
    {
        var phase = Volatile.Read(ref _phase);
        while (phase < Draining && Interlocked.CompareExchange(ref _phase, Draining, phase) != phase) phase = Volatile.Read(ref _phase);
    }

    /// <summary>The drain period is over (or the cluster removed the node): the gate refuses new requests.</summary>
    public void MarkStopping() => Interlocked.Exchange(ref _phase, Stopping);

    /// <summary>
    /// A request wants in: false once stopping. The count goes up before the phase is read, so a stop that sees no
    /// request in flight cannot miss one that got in.
    /// </summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref _inFlight);
        if (!IsStopping) return true;
        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    /// <summary>A request let in by <see cref="TryEnter"/> is answered.</summary>
    public void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Waits until no request is in flight, or <paramref name="timeout"/> passed; the number still in flight.</summary>
    public async Task<int> WaitForDrainAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        var until = time.GetUtcNow() + timeout;
        while (InFlight > 0 && time.GetUtcNow() < until && !ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), time, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return InFlight;
    }
}
