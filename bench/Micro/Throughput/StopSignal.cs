namespace Orchestrator.Bench.Micro.Throughput;

/// <summary>The flag every caller loop of a run checks before its next call; set once the measured window is over.</summary>
public sealed class StopSignal
{
    private volatile bool _set;

    public bool IsSet => _set;

    public void Set() => _set = true;
}
