using Akka.Actor;
using Akka.Configuration;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Time;
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
}

[CollectionDefinition(nameof(SerilogCollection), DisableParallelization = true)]
public sealed class SerilogCollection;
