namespace Orchestrator.Bench.Micro.Throughput;

/// <summary>A way to call the dependency, run by a number of concurrent callers that each call again as soon as a call ends.</summary>
public abstract class ThroughputWay(string name)
{
    /// <summary>The way's name on the command line and in the reports.</summary>
    public string Name { get; } = name;

    /// <summary>Starts <paramref name="callers"/> caller loops; they run until <see cref="RunningCallers.Stop"/>.</summary>
    public abstract RunningCallers Start(int callers);
}

/// <summary>The caller loops of one run: how many calls they completed, and how to stop them.</summary>
public abstract class RunningCallers(CallerCounters counters, StopSignal stop)
{
    /// <summary>The longest the loops may take to finish their last call once stopped.</summary>
    protected static readonly TimeSpan StopTimeout = BenchDependency.Timeout + TimeSpan.FromSeconds(10);

    protected CallerCounters Counters { get; } = counters;

    protected StopSignal StopSignal { get; } = stop;

    /// <summary>The calls completed so far by all callers.</summary>
    public long Completed => Counters.Total();

    /// <summary>Tells the loops to stop and waits until each has finished its last call; throws when a loop failed.</summary>
    public void Stop()
    {
        StopSignal.Set();
        WaitForLoops();
    }

    /// <summary>Waits (at most <see cref="StopTimeout"/>) until every loop has ended; rethrows a loop's failure.</summary>
    protected abstract void WaitForLoops();
}
