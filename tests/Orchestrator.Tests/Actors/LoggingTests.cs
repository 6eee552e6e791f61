using Akka.Actor;
using Akka.Configuration;
using Orchestrator.Actors.Coordination;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Actors.Telemetry;
using Orchestrator.Actors.Time;
using Orchestrator.WriteQueue;
using Orchestrator.Contracts;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Actors;

/// <summary>Collects Serilog events in memory.</summary>
public sealed class CollectingSink : ILogEventSink
{
    private readonly List<LogEvent> _events = [];

    public void Emit(LogEvent logEvent)
    {
        lock (_events) _events.Add(logEvent);
    }

    public IReadOnlyList<LogEvent> Events
    {
        get { lock (_events) return _events.ToList(); }
    }
}

[Collection(nameof(SerilogCollection))]
public sealed class LoggingTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly CollectingSink Sink = new();

    static LoggingTests()
    {
        Serilog.Log.Logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(Sink).CreateLogger();
    }

    public LoggingTests(ITestOutputHelper output) : base(ConfigurationFactory.ParseString("""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.loggers = ["Akka.Logger.Serilog.SerilogLogger, Akka.Logger.Serilog"]
        akka.logger-formatter = "Akka.Logger.Serilog.SerilogLogMessageFormatter, Akka.Logger.Serilog"
        akka.loglevel = INFO
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """), output: output)
    {
    }

    private List<LogEvent> EventsOf(string dependency) =>
        Sink.Events.Where(e => e.Properties.TryGetValue("Dependency", out var v) && v.ToString() == $"\"{dependency}\"").ToList();

    private void WaitFor(Func<bool> condition)
    {
        AwaitCondition(condition, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Every_breaker_transition_is_one_structured_event_carrying_the_dependency()
    {
        const string name = "logged-breaker";
        var scheduler = (Akka.TestKit.TestScheduler)Sys.Scheduler;
        var dependency = Sys.ActorOf(DependencyActor.Props(name, new DependencyOptions
        {
            Breaker = new CircuitBreakerOptions { FailureThreshold = 2, ResetTimeout = TimeSpan.FromSeconds(10) },
        }, new SchedulerTimeProvider(Sys.Scheduler)), name);

        for (var i = 0; i < 2; i++)
        {
            dependency.Tell(new GuardedCall<int>(name, _ => throw new HttpRequestException("down")), TestActor);
            ExpectMsg<CallResult<int>>();
        }
        scheduler.Advance(TimeSpan.FromSeconds(10));
        dependency.Tell(new GuardedCall<int>(name, _ => Task.FromResult(1)), TestActor);
        ExpectMsg<CallResult<int>>();

        WaitFor(() => EventsOf(name).Count(e => e.Properties.ContainsKey("Reason")) >= 3);
        var transitions = EventsOf(name).Where(e => e.Properties.ContainsKey("Reason")).ToList();
        Assert.Equal(3, transitions.Count);
        Assert.Equal(LogEventLevel.Warning, transitions[0].Level);
        Assert.Equal("\"2 consecutive failures\"", transitions[0].Properties["Reason"].ToString());
        Assert.Contains("Closed", transitions[1].RenderMessage() + transitions[2].RenderMessage());
        Assert.Equal("\"probe succeeded\"", transitions[2].Properties["Reason"].ToString());
    }

    [Fact]
    public void A_bulkhead_that_starts_and_stops_rejecting_logs_both_with_the_dependency()
    {
        const string name = "logged-bulkhead";
        var dependency = Sys.ActorOf(DependencyActor.Props(name, new DependencyOptions
        {
            Bulkhead = new BulkheadOptions { MaxConcurrency = 1, QueueCapacity = 0 },
            Timeout = TimeSpan.FromMinutes(1),
        }, new SchedulerTimeProvider(Sys.Scheduler)), name);
        var gate = new Gate();

        dependency.Tell(new GuardedCall<int>(name, ct => gate.Pass(1, ct)), TestActor);
        dependency.Tell(new GuardedCall<int>(name, _ => Task.FromResult(2)), TestActor);
        dependency.Tell(new GuardedCall<int>(name, _ => Task.FromResult(3)), TestActor);
        ExpectMsg<CallResult<int>>();
        ExpectMsg<CallResult<int>>();
        gate.Open();
        ExpectMsg<CallResult<int>>();
        dependency.Tell(new GuardedCall<int>(name, _ => Task.FromResult(4)), TestActor);
        ExpectMsg<CallResult<int>>();

        // "Stopped" is logged once a whole check interval passes without a rejection.
        var scheduler = (Akka.TestKit.TestScheduler)Sys.Scheduler;
        scheduler.Advance(DependencyActor.RejectingCheckInterval);
        scheduler.Advance(DependencyActor.RejectingCheckInterval);

        WaitFor(() => EventsOf(name).Count(e => e.MessageTemplate.Text.Contains("rejecting")) >= 2);
        var events = EventsOf(name).Where(e => e.MessageTemplate.Text.Contains("rejecting")).ToList();
        Assert.Equal(2, events.Count);
        Assert.Equal(LogEventLevel.Warning, events[0].Level);
        Assert.Contains("started rejecting", events[0].MessageTemplate.Text);
        Assert.Contains("stopped rejecting", events[1].MessageTemplate.Text);
        Assert.Equal("2", events[1].Properties["Rejected"].ToString());
    }

    [Fact]
    public void Write_queue_state_changes_are_structured_events_carrying_the_target_and_key()
    {
        const string target = "logged-ledger";
        var dependencies = Sys.ActorOf(DependencySupervisor.Props(
            new OrchestratorOptions { TimeProvider = new SchedulerTimeProvider(Sys.Scheduler) }.AddDependency(target)), "logged-dependencies");
        var writes = new Orchestrator.Tests.WriteQueue.RecordingTarget(target)
        {
            Behaviour = (w, _) => w.Payload == "poison" ? throw new IOException("rejected") : Task.CompletedTask,
        };
        var queue = Sys.ActorOf(WriteQueueActor.Props(new WriteQueueOptions { MaxAttempts = 1, PersistenceId = "logged-queue" }, [writes], dependencies,
            "the test journal", new SchedulerTimeProvider(Sys.Scheduler)));

        queue.Tell(new EnqueueWrite(target, "customer-1", "ok"), TestActor);
        ExpectMsg<AcceptedForProcessing>();
        queue.Tell(new EnqueueWrite(target, "customer-2", "poison"), TestActor);
        var poisoned = ExpectMsg<AcceptedForProcessing>().Id;
        WaitFor(() => EventsOf(target, "Target").Any(e => e.MessageTemplate.Text.Contains("poison list")));
        queue.Tell(new RedrivePoisoned(poisoned), TestActor);
        ExpectMsg<PoisonCommandDone>();

        WaitFor(() => EventsOf(target, "Target").Count(e => e.MessageTemplate.Text.Contains("poison list")) == 2
            && EventsOf(target, "Target").Any(e => e.MessageTemplate.Text.Contains("re-driven")));
        var events = EventsOf(target, "Target");
        var queued = events.Where(e => e.MessageTemplate.Text.Contains("queued for")).ToList();
        Assert.Equal(["\"customer-1\"", "\"customer-2\""], queued.Select(e => e.Properties["Key"].ToString()).Order());
        var delivered = Assert.Single(events, e => e.MessageTemplate.Text.Contains("delivered"));
        Assert.Equal("\"customer-1\"", delivered.Properties["Key"].ToString());
        var firstPoisoned = events.First(e => e.MessageTemplate.Text.Contains("poison list"));
        Assert.Equal(LogEventLevel.Warning, firstPoisoned.Level);
        Assert.Equal("\"customer-2\"", firstPoisoned.Properties["Key"].ToString());
        Assert.Contains("rejected", firstPoisoned.Properties["Error"].ToString());
        Assert.Equal("\"customer-2\"", Assert.Single(events, e => e.MessageTemplate.Text.Contains("re-driven")).Properties["Key"].ToString());
    }

    [Fact]
    public void An_operator_reset_that_ends_a_cool_down_is_a_structured_event_with_the_feature_and_the_dependency_and_is_counted()
    {
        const string dependency = "logged-cool-down";
        var feature = $"cooled-{Guid.NewGuid():N}"[..20]; // the meter is shared by every test running: count only this one
        var switches = new System.Collections.Concurrent.ConcurrentQueue<bool>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OrchestratorMetrics.MeterName && instrument.Name == "orchestrator.feature.switches") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? name = null;
            bool? enabled = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "feature") name = tag.Value as string;
                if (tag.Key == "enabled") enabled = tag.Value as bool?;
            }
            if (name == feature && enabled is { } on) switches.Enqueue(on);
        });
        listener.Start();

        var scheduler = (Akka.TestKit.TestScheduler)Sys.Scheduler;
        var time = new SchedulerTimeProvider(Sys.Scheduler);
        var options = new OrchestratorOptions { TimeProvider = time }
            .AddDependency(dependency, d => d.Breaker.FailureThreshold = 1)
            .AddFeature(feature, Tier.Important, f => f.Dependency = dependency);
        var controls = new NodeControls(new DegradationBoard(), null);
        var dependencies = Sys.ActorOf(DependencySupervisor.Props(options, controls), "cool-down-dependencies");
        var coordinator = Sys.ActorOf(PriorityCoordinator.Props(options, controls, dependencies, time), "cool-down-coordinator");

        dependencies.Tell(new GuardedCall<int>(dependency, _ => throw new HttpRequestException("down")), TestActor);
        ExpectMsg<CallResult<int>>();
        AwaitCondition(() =>
        {
            scheduler.Advance(options.Stress.SampleInterval);
            coordinator.Tell(GetDegradation.Instance, TestActor);
            return ExpectMsg<DegradationStatus>().Features.Single().Switch == FeatureSwitch.Temporary;
        }, TimeSpan.FromSeconds(5));
        dependencies.Tell(new ResetBreaker(dependency), TestActor);
        ExpectMsg<BreakerCommandAccepted>();

        WaitFor(() => EventsOf(feature, "Feature").Any(e => e.MessageTemplate.Text.Contains("operator reset")) && switches.Count == 2);
        var cleared = Assert.Single(EventsOf(feature, "Feature"), e => e.MessageTemplate.Text.Contains("operator reset"));
        Assert.Equal(LogEventLevel.Information, cleared.Level);
        Assert.Equal($"\"{dependency}\"", cleared.Properties["Dependency"].ToString());
        Assert.Contains("cool-down cleared by an operator reset of", cleared.MessageTemplate.Text);
        Assert.Equal([false, true], switches.ToArray()); // off for the cool-down, on again by the reset
    }

    private List<LogEvent> EventsOf(string value, string property) =>
        Sink.Events.Where(e => e.Properties.TryGetValue(property, out var v) && v.ToString() == $"\"{value}\"").ToList();
}

[CollectionDefinition(nameof(SerilogCollection), DisableParallelization = true)]
public sealed class SerilogCollection;
