using Akka.Actor;

namespace Orchestrator.Actors.Time;

/// <summary>
/// A <see cref="TimeProvider"/> that reads the clock of an actor system's scheduler. With Akka's
/// <c>TestScheduler</c> the policies and the actors' timers then share one virtual clock, moved by
/// <c>TestScheduler.Advance</c>.
/// </summary>
public sealed class SchedulerTimeProvider(IScheduler scheduler) : TimeProvider
{
    private readonly IScheduler _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _scheduler.Now;

    /// <inheritdoc />
    public override long GetTimestamp() => _scheduler.Now.UtcTicks;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
}
