using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Coordination;
using Orchestrator.Actors.Time;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The parent of the dependency actors (<c>/user/orchestrator/dependencies</c>): creates one per declared
/// dependency, routes calls and commands to them by name, answers for names it does not know, and restarts a
/// child that crashes (the child keeps its state across the restart).
/// </summary>
public sealed class DependencySupervisor : ReceiveActor
{
    private readonly OrchestratorOptions _options;
    private readonly NodeControls _controls;
    private readonly Dictionary<string, DependencyHandle> _handles = new(StringComparer.Ordinal);
    private DependencyDirectory _directory = new(new Dictionary<string, DependencyHandle>(), []);
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>The most restarts of one child within <see cref="RestartWindow"/> before it is stopped for good.</summary>
    public const int MaxRestarts = 10;

    /// <summary>The window over which <see cref="MaxRestarts"/> is counted.</summary>
    public static readonly TimeSpan RestartWindow = TimeSpan.FromMinutes(1);

    /// <summary>Creates the supervisor; use <see cref="Props"/>.</summary>
    public DependencySupervisor(OrchestratorOptions options, NodeControls controls)
    {
        _options = options;
        _controls = controls;

        Receive<GuardedCall>(call =>
        {
            if (_handles.TryGetValue(call.Dependency, out var handle)) handle.Tell(call, Sender);
            else (call.ReplyTo ?? Sender).Tell(UnknownDependencyResult(call, Known()));
        });
        Receive<GetDependencyDirectory>(_ => Sender.Tell(_directory));
        Receive<GetStatus>(m => m.Dependency is null, _ => ReportAll());
        Receive<GetStatus>(m => Route(m.Dependency!, m));
        Receive<IsolateBreaker>(m => Route(m.Dependency, m));
        Receive<ResetBreaker>(m => Route(m.Dependency, m));
        Receive<CrashDependencyActor>(m => Route(m.Dependency, m));
        Receive<Cluster.ClusterBreakerView>(m => Route(m.Dependency, m));
        Receive<DeadLetter>(OnDeadLetter);
        Receive<Terminated>(t =>
        {
            var name = t.ActorRef.Path.Name;
            if (!_handles.TryGetValue(name, out var handle)) return;
            handle.MarkStopped($"The actor of '{name}' was stopped after {MaxRestarts} crashes within {RestartWindow}.");
            _log.Error("Dependency {Dependency} actor stopped for good after repeated crashes; its calls now fail at once", name);
        });
    }

    /// <summary>Props for the supervisor of the dependencies in <paramref name="options"/>.</summary>
    /// <remarks><paramref name="controls"/> (the coordinator's board and the load shedder) default to none.</remarks>
    public static Props Props(OrchestratorOptions options, NodeControls? controls = null)
    {
        controls ??= NodeControls.None();
        return Akka.Actor.Props.Create(() => new DependencySupervisor(options, controls));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        // A call that reaches a dependency actor after it stopped for good still gets its one answer.
        Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
        var time = _options.TimeProvider ?? new SchedulerTimeProvider(Context.System.Scheduler);
        foreach (var (name, dependency) in _options.Dependencies)
        {
            var gate = DependencyActor.GateFor(dependency);
            var stats = new DependencyStats();
            var child = Context.ActorOf(DependencyActor.Props(name, dependency, time, gate, stats, controls: _controls), name);
            Context.Watch(child);
            _handles[name] = new DependencyHandle(name, child, dependency, gate, stats, time, _controls);
        }
        _directory = new DependencyDirectory(new Dictionary<string, DependencyHandle>(_handles, StringComparer.Ordinal), Known());
        foreach (var handle in _handles.Values) handle.Actor.Tell(_directory); // for the replica step of their fallback chains
        _log.Info("Orchestrator guards {DependencyCount} dependencies: {Dependencies}", _handles.Count, string.Join(", ", _handles.Keys));
    }

    /// <inheritdoc />
    /// <remarks>The crashing child logs its own structured event (with the dependency), so the strategy does not log again.</remarks>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(MaxRestarts, (int)RestartWindow.TotalMilliseconds, Decider.From(Directive.Restart), loggingEnabled: false);

    private void Route(string dependency, object message)
    {
        if (_handles.TryGetValue(dependency, out var handle)) handle.Actor.Forward(message);
        else Sender.Tell(new UnknownDependency(dependency, Known()));
    }

    private void OnDeadLetter(DeadLetter dead)
    {
        var call = dead.Message switch
        {
            AdmittedCall a => a.Call,
            GuardedCall c => c,
            _ => null,
        };
        if (call is null || !_handles.TryGetValue(call.Dependency, out var handle) || !handle.Actor.Equals(dead.Recipient)) return;
        (call.ReplyTo ?? dead.Sender).Tell(call.ToResult(new CallReport(CallOutcome.Rejected, null, DegradationReason.ActorFailure, null, null,
            $"The actor of '{call.Dependency}' has stopped; the call was not run.", TimeSpan.Zero, 0)));
    }

    /// <summary>Every dependency's status; one that does not answer is reported as unavailable, not as a failure of the whole.</summary>
    private void ReportAll()
    {
        var sender = Sender;
        var asks = _handles.Values.Select(Report).ToArray();
        Task.WhenAll(asks).PipeTo(sender, success: all => new OrchestratorStatus(all));
    }

    private static async Task<DependencyStatus> Report(DependencyHandle handle)
    {
        try
        {
            return await handle.Actor.Ask<DependencyStatus>(GetStatus.All, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var bulkhead = handle.Options.Bulkhead;
            return new DependencyStatus(handle.Name,
                new BreakerSnapshot(BreakerState.Open, 0, 0, 0, 0, 0, null, DateTimeOffset.MinValue),
                new BulkheadSnapshot(0, 0, bulkhead.MaxConcurrency, bulkhead.QueueCapacity, true, handle.Gate.RejectedTotal),
                handle.Stats.Snapshot(), handle.Options.Timeout)
            {
                Unavailable = handle.Gate.IsClosed ? "The dependency's actor has stopped." : $"No status: {e.Message}",
            };
        }
    }

    /// <summary>The answer to a call for a dependency that is not declared.</summary>
    internal static ICallResult UnknownDependencyResult(GuardedCall call, IReadOnlyList<string> known) =>
        call.ToResult(new CallReport(CallOutcome.Rejected, null, DegradationReason.UnknownDependency, null, null,
            new UnknownDependency(call.Dependency, known).Message, TimeSpan.Zero, 0));

    private IReadOnlyList<string> Known() => _options.Dependencies.Keys.ToList();
}
