using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Time;
using Orchestrator.WriteQueue;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.WriteQueue;

/// <summary>
/// A TestKit with Akka's <see cref="TestScheduler"/> (timers move only on <see cref="Advance"/>) and the in-memory
/// journal and snapshot store, which keep what the queue stored for as long as the actor system lives: a queue
/// stopped and started again with the same persistence id recovers it, as after a crash.
/// </summary>
public abstract class WriteQueueTestBase(ITestOutputHelper output, string? extraConfig = null)
    : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.loglevel = INFO
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """ + "\n" + (extraConfig ?? "")), output: output)
{
    /// <summary>
    /// The longest a test waits for an answer of the queue: an upper bound, not a pace (a wait ends as soon as the
    /// answer comes). Generous, because a queue's first start in a cold process on a loaded 2-core machine (CI runs
    /// the test assemblies side by side) took more than 5 s once.
    /// </summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The target's name, a declared dependency.</summary>
    protected const string Ledger = "ledger";

    private IActorRef? _dependencies;
    private int _generation;

    /// <summary>The virtual clock.</summary>
    protected TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    /// <summary>Moves virtual time on.</summary>
    protected void Advance(TimeSpan by) => Clock.Advance(by);

    /// <summary>The target the queue delivers to.</summary>
    protected RecordingTarget Target { get; } = new(Ledger);

    /// <summary>The queue's options; change them before <see cref="StartQueue"/>.</summary>
    protected WriteQueueOptions Options { get; } = new() { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(8), PersistenceId = $"wq-{Guid.NewGuid():N}" };

    /// <summary>The dependencies supervisor guarding <see cref="Ledger"/> (started on first use).</summary>
    protected IActorRef Dependencies => _dependencies ??= Sys.ActorOf(DependencySupervisor.Props(
        new OrchestratorOptions { TimeProvider = new SchedulerTimeProvider(Sys.Scheduler) }.AddDependency(Ledger)), "dependencies");

    /// <summary>Starts a queue on <see cref="Options"/>'s persistence id; backoff draws are always 0.5.</summary>
    protected IActorRef StartQueue() =>
        Sys.ActorOf(WriteQueueActor.Props(Options, [Target], Dependencies, "the test journal", new SchedulerTimeProvider(Sys.Scheduler), () => 0.5),
            $"queue-{++_generation}");

    /// <summary>Stops <paramref name="queue"/> and waits until it has stopped.</summary>
    protected void Kill(IActorRef queue)
    {
        Watch(queue);
        Sys.Stop(queue);
        ExpectTerminated(queue, Patience);
    }

    /// <summary>Enqueues and expects acceptance; the entry's id.</summary>
    protected string Enqueue(IActorRef queue, string key, string payload, string? idempotencyKey = null)
    {
        queue.Tell(new EnqueueWrite(Ledger, key, payload, idempotencyKey), TestActor);
        return ExpectMsg<AcceptedForProcessing>(Patience).Id;
    }

    /// <summary>The queue's status.</summary>
    protected static WriteQueueStatus StatusOf(IActorRef queue) =>
        queue.Ask<WriteQueueStatus>(GetWriteQueueStatus.Instance, Patience).GetAwaiter().GetResult();

    /// <summary>The queue's poison list.</summary>
    protected static PoisonList PoisonOf(IActorRef queue) =>
        queue.Ask<PoisonList>(GetPoisonList.Instance, Patience).GetAwaiter().GetResult();

    /// <summary>Waits (real time, until it holds, at most <see cref="Patience"/>) until <paramref name="condition"/> holds.</summary>
    protected void WaitUntil(Func<bool> condition, string what) =>
        AwaitCondition(condition, Patience, message: what);
}
