using Akka.Actor;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The actor's collection timer: take the successes counted on the callers' side up to <paramref name="Mark"/>, the
/// count when the timer was armed (a failure told since is ahead of this message, and takes its own successes first).
/// </summary>
internal sealed record CollectSuccesses(SuccessMark Mark);

/// <summary>
/// The actor's half of the <see cref="SuccessTally"/>: it takes the successes counted on the callers' side into the
/// breaker's window and the retry budget. Told by a caller, it starts collecting by itself every
/// <see cref="Interval"/> while successes keep coming (callers then tell nobody), and stops after a tick after which
/// none came (the next success tells it again). Each message takes only up to the mark it was sent with, so a
/// success never reaches the breaker ahead of a failure told before it (see <see cref="SuccessTally"/>); a status read
/// takes them all. Used on the actor's thread only.
/// </summary>
internal sealed class SuccessCollector(DependencyHandle handle, DependencyState state, ITimerScheduler timers)
{
    /// <summary>
    /// How often the actor collects while successes keep coming: a tick takes those counted up to the previous one,
    /// so a success reaches the breaker's window at most two intervals late (a failure or a status read takes it sooner).
    /// </summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    private const string TimerKey = "collect-successes";

    /// <summary>A caller told (or a new actor started): take up to its mark, and collect by itself from now on while successes come.</summary>
    public void OnTold(SuccessesReady told)
    {
        var (calls, slow, more) = handle.Tally.TakeTold(told.Mark);
        if ((Record(calls, slow) > 0 || more) && !timers.IsTimerActive(TimerKey)) Arm();
    }

    /// <summary>The timer: stop collecting by itself first (so no success is left behind), take up to its mark, and go on while more came.</summary>
    public void OnTimer(CollectSuccesses tick)
    {
        var (calls, slow, more) = handle.Tally.StopCollectingAndTakeUpTo(tick.Mark);
        Record(calls, slow);
        if (more) Arm();
    }

    /// <summary>Takes every success counted so far (a status read) into the breaker and the budget.</summary>
    public void CollectAll()
    {
        var (calls, slow) = handle.Tally.TakeAll();
        Record(calls, slow);
    }

    /// <summary>Takes the successes counted up to <paramref name="mark"/> (those before a failure), into the breaker and the budget.</summary>
    public void CollectUpTo(SuccessMark mark)
    {
        var (calls, slow) = handle.Tally.TakeUpTo(mark);
        Record(calls, slow);
    }

    /// <summary>Callers tell nobody from now on; the tick takes up to what was counted by then.</summary>
    private void Arm()
    {
        handle.Tally.StartCollecting();
        timers.StartSingleTimer(TimerKey, new CollectSuccesses(handle.Tally.Mark()), Interval);
    }

    private int Record(int calls, int slow)
    {
        if (calls == 0) return 0;
        state.Breaker.RecordSuccesses(calls, slow);
        state.Budget.RecordAttempts(calls);
        return calls;
    }
}
