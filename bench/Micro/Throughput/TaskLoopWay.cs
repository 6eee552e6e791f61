using System.Runtime.ExceptionServices;

namespace Orchestrator.Bench.Micro.Throughput;

/// <summary>
/// A way whose callers are async loops started on the thread pool, each awaiting one call before the next.
/// <paramref name="call"/> makes one call and throws when its answer is not the expected one.
/// </summary>
public sealed class TaskLoopWay(string name, Func<ValueTask> call) : ThroughputWay(name)
{
    /// <summary>
    /// Calls between two yields of a loop. A call that completes synchronously (direct, Polly) never gives its
    /// thread back; the rare yield lets every caller of a run take turns instead of only the first few.
    /// </summary>
    private const int YieldEvery = 1024;

    public override RunningCallers Start(int callers)
    {
        var counters = new CallerCounters(callers);
        var stop = new StopSignal();
        var loops = new Task[callers];
        for (var caller = 0; caller < callers; caller++)
        {
            var index = caller;
            loops[caller] = Task.Run(() => LoopAsync(index, counters, stop));
        }
        return new Running(counters, stop, loops);
    }

    private async Task LoopAsync(int caller, CallerCounters counters, StopSignal stop)
    {
        var sinceYield = 0;
        while (!stop.IsSet)
        {
            await call().ConfigureAwait(false);
            counters.Increment(caller);
            if (++sinceYield < YieldEvery) continue;
            sinceYield = 0;
            await Task.Yield();
        }
    }

    private sealed class Running(CallerCounters counters, StopSignal stop, Task[] loops) : RunningCallers(counters, stop)
    {
        protected override void WaitForLoops()
        {
            var all = Task.WhenAll(loops);
            try
            {
                if (!all.Wait(StopTimeout)) throw new TimeoutException($"The caller loops did not finish within {StopTimeout.TotalSeconds:0} s of the stop.");
            }
            catch (AggregateException e)
            {
                ExceptionDispatchInfo.Throw(e.Flatten().InnerExceptions[0]);
            }
        }
    }
}
