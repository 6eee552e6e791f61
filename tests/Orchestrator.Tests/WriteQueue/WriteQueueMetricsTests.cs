using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akka.Actor;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Actors.Time;
using Orchestrator.WriteQueue;
using Orchestrator.Contracts;
using Xunit.Abstractions;

namespace Orchestrator.Tests.WriteQueue;

public sealed class WriteQueueMetricsTests(ITestOutputHelper output) : WriteQueueTestBase(output)
{
    [Fact]
    public void Every_state_change_of_a_write_is_counted_by_target_and_event()
    {
        var name = $"metered-{Guid.NewGuid():N}"[..20];
        var counted = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OrchestratorMetrics.MeterName && instrument.Name == "orchestrator.writequeue.events") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? target = null, @event = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "target") target = tag.Value as string;
                if (tag.Key == "event") @event = tag.Value as string;
            }
            if (target == name) counted.Enqueue(@event!);
        });
        listener.Start();

        var dependencies = Sys.ActorOf(DependencySupervisor.Props(
            new OrchestratorOptions { TimeProvider = new SchedulerTimeProvider(Sys.Scheduler) }.AddDependency(name)), "metered-dependencies");
        var target = new RecordingTarget(name) { Behaviour = (w, _) => w.Payload == "bad" ? throw new IOException("no") : Task.CompletedTask };
        var queue = Sys.ActorOf(WriteQueueActor.Props(new WriteQueueOptions { MaxAttempts = 2, PersistenceId = name }, [target], dependencies,
            "the test journal", new SchedulerTimeProvider(Sys.Scheduler), () => 0.5));

        queue.Tell(new EnqueueWrite(name, "k", "good"), TestActor);
        ExpectMsg<AcceptedForProcessing>();
        queue.Tell(new EnqueueWrite(name, "j", "bad"), TestActor);
        var bad = ExpectMsg<AcceptedForProcessing>().Id;
        WaitUntil(() => counted.Contains("failed"), "the bad write fails once");
        Advance(TimeSpan.FromSeconds(1));
        WaitUntil(() => counted.Contains("poisoned"), "the bad write is poisoned");
        queue.Tell(new DropPoisoned(bad), TestActor);
        ExpectMsg<PoisonCommandDone>();
        queue.Tell(new EnqueueWrite("nowhere", "k", "x"), TestActor);
        ExpectMsg<EnqueueFailed>();

        WaitUntil(() => counted.Contains("dropped") && counted.Contains("delivered"), "every event is counted");
        Assert.Equal(["delivered", "dropped", "failed", "poisoned", "queued", "queued"], counted.Order(StringComparer.Ordinal));
    }
}
