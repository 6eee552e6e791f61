using Akka.Actor;

namespace Orchestrator.Actors.Time;

/// <summary>
/// A <see cref="TimeProvider"/> that reads the clock of an actor system's scheduler and sets its timers there. With
/// Akka's <c>TestScheduler</c> the policies, the actors' timers and the calls' timeouts (cancellation tokens made
/// from this provider) then share one virtual clock, moved by <c>TestScheduler.Advance</c>.
/// </summary>
internal sealed class SchedulerTimeProvider(IScheduler scheduler) : TimeProvider
{
    private readonly IScheduler _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));

    /// <summary>
    /// The clock for an actor system: the system clock when its scheduler runs in real time (timers there are cheaper
    /// than on the scheduler), else one over its scheduler (a virtual one in tests).
    /// </summary>
    public static TimeProvider For(ActorSystem system) =>
        system.Scheduler is HashedWheelTimerScheduler ? System : new SchedulerTimeProvider(system.Scheduler);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _scheduler.Now;

    /// <inheritdoc />
    public override long GetTimestamp() => _scheduler.Now.UtcTicks;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SchedulerTimer(_scheduler, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>A timer on the scheduler: each change cancels what was scheduled and schedules anew.</summary>
    private sealed class SchedulerTimer(IScheduler scheduler, TimerCallback callback, object? state) : ITimer
    {
        private ICancelable? _scheduled;
        private int _generation;
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var generation = Interlocked.Increment(ref _generation);
            Interlocked.Exchange(ref _scheduled, null)?.Cancel();
            if (Volatile.Read(ref _disposed)) return false;
            if (dueTime == Timeout.InfiniteTimeSpan) return true;
            var cancelable = new Cancelable(scheduler);
            Interlocked.Exchange(ref _scheduled, cancelable)?.Cancel();
            if (period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero)
                scheduler.Advanced.ScheduleOnce(Max(dueTime), () => Fire(generation), cancelable);
            else
                scheduler.Advanced.ScheduleRepeatedly(Max(dueTime), period, () => Fire(generation), cancelable);
            return true;
        }

        private void Fire(int generation)
        {
            // A change after this firing was scheduled wins, even if the scheduler already took it.
            if (generation == Volatile.Read(ref _generation) && !Volatile.Read(ref _disposed)) callback(state);
        }

        private static TimeSpan Max(TimeSpan t) => t > TimeSpan.Zero ? t : TimeSpan.Zero;

        public void Dispose()
        {
            Volatile.Write(ref _disposed, true);
            Interlocked.Exchange(ref _scheduled, null)?.Cancel();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
