using Akka.Actor;

namespace Orchestrator.Actors.Dependencies;

/// <summary>The actor's collection timer: take the successes counted on the callers' side.</summary>
internal sealed record CollectSuccesses
{
    public static readonly CollectSuccesses Instance = new();
}

/// <summary>
/// The actor's half of the <see cref="SuccessTally"/>: it takes the successes counted on the callers' side into the
/// breaker's window and the retry budget. Told by a caller, it starts collecting by itself every
/// <see cref="Interval"/> while successes keep coming (callers then tell nobody), and stops after a tick that found
/// none (the next success tells it again). It takes them at once before any failure is recorded and before the
/// status is read, so that neither sees fewer successes than there were. Used on the actor's thread only.
/// </summary>
internal sealed class SuccessCollector(DependencyHandle handle, DependencyState state, ITimerScheduler timers)
{
    /// <summary>How often the actor collects while successes keep coming: how late a success may reach the breaker's window.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    private const string TimerKey = "collect-successes";

    /// <summary>A caller told: take the successes, and collect by itself from now on while they keep coming.</summary>
    public void OnTold()
    {
        if (Collect() > 0 && !timers.IsTimerActive(TimerKey))
        {
            handle.Tally.StartCollecting();
            timers.StartSingleTimer(TimerKey, CollectSuccesses.Instance, Interval);
        }
    }

    /// <summary>The timer: stop collecting by itself first (so no success is left behind), take, and go on while successes came.</summary>
    public void OnTimer()
    {
        if (Record(handle.Tally.StopCollectingAndTake()) == 0) return;
        handle.Tally.StartCollecting();
        timers.StartSingleTimer(TimerKey, CollectSuccesses.Instance, Interval);
    }

    /// <summary>Takes the successes counted so far into the breaker and the budget; how many there were.</summary>
    public int Collect() => Record(handle.Tally.Take());

    /// <summary>Takes the successes counted up to <paramref name="mark"/> (those before a failure), into the breaker and the budget.</summary>
    public int CollectUpTo(SuccessMark mark) => Record(handle.Tally.TakeUpTo(mark));

    private int Record((int Calls, int Slow) taken)
    {
        var (calls, slow) = taken;
        if (calls == 0) return 0;
        state.Breaker.RecordSuccesses(calls, slow);
        state.Budget.RecordAttempts(calls);
        return calls;
    }
}
