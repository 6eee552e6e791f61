using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Time;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Actors;

/// <summary>
/// A TestKit whose scheduler is Akka's <see cref="TestScheduler"/>: timers, timeouts and the breaker's clock all
/// move only when a test calls <see cref="Advance"/>. What it waits for in real time (a reply, a signal) it waits
/// for with a generous bound, <see cref="EventLimit"/>, also the default of <c>ExpectMsg</c>: the bound is reached
/// only when the event never comes. Under a CPU hog (<c>scripts/test-under-load.sh</c>) Akka's default of 3 s once
/// ran out before a supervisor's first reply.
/// </summary>
public abstract class ActorTestBase(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(Config, output: output)
{
    private static readonly Config Config = ConfigurationFactory.ParseString("""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.test.single-expect-default = 30s
        akka.loglevel = INFO
        akka.stdout-loglevel = INFO
        """);

    /// <summary>How long a real-time wait for an event lasts before the test fails: long, as it is reached only on failure.</summary>
    protected static readonly TimeSpan EventLimit = TimeSpan.FromSeconds(30);

    /// <summary>The virtual clock.</summary>
    protected TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    /// <summary>The clock the policies read (the same virtual clock).</summary>
    protected TimeProvider Time => new SchedulerTimeProvider(Sys.Scheduler);

    /// <summary>Moves virtual time on.</summary>
    protected void Advance(TimeSpan by) => Clock.Advance(by);

    /// <summary>
    /// Starts the dependencies' supervisor ("dependencies") for options <paramref name="configure"/>d on the virtual
    /// clock, and returns its directory (its answer comes after its children are started).
    /// </summary>
    private protected DependencyDirectory SuperviseDependencies(Action<OrchestratorOptions> configure)
    {
        var options = new OrchestratorOptions { TimeProvider = Time };
        configure(options);
        var supervisor = Sys.ActorOf(DependencySupervisor.Props(options.Validate()), "dependencies");
        supervisor.Tell(GetDependencyDirectory.Instance, TestActor);
        return ExpectMsg<DependencyDirectory>();
    }

    /// <summary>The handle of <paramref name="name"/>, the one dependency of a supervisor started for it (node-wide options by <paramref name="node"/>).</summary>
    private protected DependencyHandle SupervisedHandle(string name, Action<DependencyOptions>? configure = null, Action<OrchestratorOptions>? node = null) =>
        SuperviseDependencies(options =>
        {
            node?.Invoke(options);
            options.AddDependency(name, configure);
        }).Handles[name];

    /// <summary>Starts a dependency actor named <paramref name="name"/>.</summary>
    protected IActorRef Dependency(string name, Action<DependencyOptions>? configure = null)
    {
        var options = new DependencyOptions();
        configure?.Invoke(options);
        return Sys.ActorOf(DependencyActor.Props(name, options, Time), name);
    }

    /// <summary>Waits (in real time, up to <see cref="EventLimit"/>) for the next result of type <typeparamref name="T"/>.</summary>
    protected CallResult<T> ExpectResult<T>(TestProbe? probe = null) =>
        (probe is null ? ExpectMsg<CallResult<T>>(EventLimit) : probe.ExpectMsg<CallResult<T>>(EventLimit));

    /// <summary>Waits until <paramref name="task"/> completes (real time), failing the test after <see cref="EventLimit"/>.</summary>
    protected static void Await(Task task)
    {
        if (!task.Wait(EventLimit)) throw new TimeoutException($"The awaited signal did not come within {EventLimit.TotalSeconds:0} s.");
    }

    /// <summary>
    /// Returns once <paramref name="actor"/> has handled every message sent to it before (a status round trip through
    /// its mailbox): the timers those messages start are then scheduled, so that <see cref="Advance"/> fires them.
    /// Instead of sleeping before advancing the clock.
    /// </summary>
    protected void Settle(IActorRef actor) => StatusOf(actor);

    /// <summary>The status of a dependency actor.</summary>
    protected DependencyStatus StatusOf(IActorRef dependency)
    {
        dependency.Tell(GetStatus.All, TestActor);
        return ExpectMsg<DependencyStatus>(EventLimit);
    }
}
