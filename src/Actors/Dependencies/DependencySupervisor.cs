using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// The parent of the dependency actors (<c>/user/orchestrator/dependencies</c>): creates one per declared
/// dependency, routes calls and commands to them by name, answers for names it does not know, and restarts a
/// child that crashes (the child keeps its state across the restart).
/// </summary>
public sealed class DependencySupervisor : ReceiveActor
{
    private readonly OrchestratorRuntime _runtime;
    private DependencyDirectory _directory = null!;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>The most restarts of one child within <see cref="RestartWindow"/> before it is stopped for good.</summary>
    public const int MaxRestarts = 10;

    /// <summary>The window over which <see cref="MaxRestarts"/> is counted.</summary>
    public static readonly TimeSpan RestartWindow = TimeSpan.FromMinutes(1);

    /// <summary>Creates the supervisor; use <see cref="Props(OrchestratorRuntime)"/>.</summary>
    internal DependencySupervisor(OrchestratorRuntime runtime)
    {
        _runtime = runtime;

        Receive<GuardedCall>(call =>
        {
            if (_directory.Handles.TryGetValue(call.Dependency, out var handle)) handle.Tell(call, Sender);
            else (call.ReplyTo ?? Sender).Tell(UnknownDependencyResult(call, _directory.Names));
        });
        Receive<GetDependencyDirectory>(_ => Sender.Tell(_directory));
        Receive<GetStatus>(m => m.Dependency is null, _ => ReportAll());
        Receive<GetStatus>(m => Route(m.Dependency!, m));
        Receive<IsolateBreaker>(m => Route(m.Dependency, m));
        Receive<ResetBreaker>(m => Route(m.Dependency, m));
        Receive<CrashDependencyActor>(m => Route(m.Dependency, m));
        Receive<ChangeDependencyOptions>(m =>
        {
            // An actor stopped for good cannot take it: answered here, rather than lost in dead letters.
            if (_directory.Handles.TryGetValue(m.Dependency, out var handle) && handle.StoppedReason is { } stopped)
                Sender.Tell(new OptionsChangeResult(m.Dependency, handle.Time.GetUtcNow(), [], [$"The options of '{m.Dependency}' cannot change: {stopped}"], []));
            else Route(m.Dependency, m);
        });
        Receive<Cluster.ClusterBreakerView>(m => Route(m.Dependency, m));
        Receive<InjectFault>(m => OnFaultCommand(m.Dependency, m.Scope, m, m.Fault));
        Receive<ClearFault>(m => OnFaultCommand(m.Dependency, m.Scope, m, null));
        Receive<DeadLetter>(OnDeadLetter);
        Receive<Terminated>(t =>
        {
            var name = t.ActorRef.Path.Name;
            if (!_directory.Handles.TryGetValue(name, out var handle) || !handle.Actor.Equals(t.ActorRef)) return;
            handle.MarkStopped($"The actor of '{name}' was stopped after {MaxRestarts} crashes within {RestartWindow}.");
            _log.Error("Dependency {Dependency} actor stopped for good after repeated crashes; its calls now fail at once", name);
        });
    }

    /// <summary>Props for the supervisor of the dependencies in <paramref name="options"/>.</summary>
    /// <remarks><paramref name="controls"/> (the coordinator's board and the load shedder) default to the options' own.</remarks>
    internal static Props Props(OrchestratorOptions options, NodeControls? controls = null) => Props(new OrchestratorRuntime(options, controls));

    /// <summary>Props for the supervisor of <paramref name="runtime"/>'s dependencies (restarts keep its handles).</summary>
    internal static Props Props(OrchestratorRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return ActorFactory.Props(() => new DependencySupervisor(runtime));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        // A call that reaches a dependency actor after it stopped for good still gets its one answer.
        Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
        _directory = _runtime.DirectoryFor(Context.System);
        _directory.Supervisor = Self;
        foreach (var handle in _directory.Handles.Values)
        {
            var child = Context.ActorOf(DependencyActor.Props(handle), handle.Name);
            Context.Watch(child);
            handle.Attach(child);
        }
        // One template per number, so the message reads right (and stays one structured event with the same properties).
        if (_directory.Names.Count == 1)
            _log.Info("Orchestrator guards {DependencyCount} dependency: {Dependencies}", _directory.Names.Count, string.Join(", ", _directory.Names));
        else
            _log.Info("Orchestrator guards {DependencyCount} dependencies: {Dependencies}", _directory.Names.Count, string.Join(", ", _directory.Names));
    }

    /// <inheritdoc />
    /// <remarks>The crashing child logs its own structured event (with the dependency), so the strategy does not log again.</remarks>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(MaxRestarts, (int)RestartWindow.TotalMilliseconds, Decider.From(Directive.Restart), loggingEnabled: false);

    private void Route(string dependency, object message)
    {
        if (_directory.Handles.TryGetValue(dependency, out var handle)) handle.Actor.Forward(message);
        else Sender.Tell(new UnknownDependency(dependency, _directory.Names));
    }

    /// <summary>
    /// A fault command: refused (answered, never thrown) when injection is off, the dependency unknown or the fault
    /// invalid; for the cluster, handed to the cluster-state actor (which sends it to every member's supervisor, this
    /// one's included); else carried out by the dependency's actor.
    /// </summary>
    private void OnFaultCommand(string dependency, FaultScope scope, object command, Fault? fault)
    {
        var chaos = _runtime.Options.Chaos;
        FaultCommandResult? refused = null;
        if (!chaos.Enabled)
            refused = FaultCommandResult.Refused(dependency, FaultRefusal.Disabled,
                $"Fault injection is switched off on this node ({OrchestratorOptions.SectionName}:Chaos:Enabled is false).");
        else if (!_directory.Handles.ContainsKey(dependency))
            refused = FaultCommandResult.Refused(dependency, FaultRefusal.UnknownDependency, new UnknownDependency(dependency, _directory.Names).Message);
        else if (fault?.GetErrors(chaos.MaxDuration) is { Count: > 0 } errors)
            refused = FaultCommandResult.Refused(dependency, FaultRefusal.InvalidFault, $"The fault for '{dependency}' is not valid: {string.Join(" ", errors)}");
        else if (!Enum.IsDefined(scope))
            refused = FaultCommandResult.Refused(dependency, FaultRefusal.InvalidFault,
                $"Scope must be one of {string.Join(", ", Enum.GetNames<FaultScope>())}, not {(int)scope}.");
        if (refused is not null)
        {
            Sender.Tell(refused);
            return;
        }
        if (scope == FaultScope.Cluster && _runtime.ClusterState is { } clusterState) clusterState.Forward(command);
        else if (command is InjectFault { Fault.Duration: null } open)
            _directory.Handles[dependency].Actor.Forward(open with { Fault = open.Fault with { Duration = chaos.MaxDuration } });
        else _directory.Handles[dependency].Actor.Forward(command);
    }

    /// <summary>A call that reached one of the dependency actors after it stopped: answered, and what it held given back.</summary>
    private void OnDeadLetter(DeadLetter dead)
    {
        var (call, arrived, held) = dead.Message switch
        {
            AdmittedCall a => (a.Call, a.Arrived, a.Held),
            RetryHandover h => (h.Call, h.Arrived, h.Held),
            GuardedCall c => (c, (long?)null, Pipeline.Holdings.None),
            _ => (null, null, Pipeline.Holdings.None),
        };
        var span = dead.Message switch
        {
            AdmittedCall a => a.Span,
            RetryHandover h => h.Span,
            _ => null,
        };
        if (call is null || !_directory.Handles.TryGetValue(call.Dependency, out var handle)
            || dead.Recipient.Path.Parent != Self.Path || dead.Recipient.Path.Name != call.Dependency) return;
        (call.ReplyTo ?? dead.Sender).Tell(handle.Answer(call, new CallReport(CallOutcome.Rejected, null, DegradationReason.ActorFailure, null, null,
            $"The actor of '{call.Dependency}' has stopped; the call was not run.", TimeSpan.Zero, 0), held, arrived ?? handle.Time.GetTimestamp(), span));
    }

    /// <summary>Every dependency's status; one that does not answer is reported as unavailable, not as a failure of the whole.</summary>
    private void ReportAll()
    {
        var sender = Sender;
        var asks = _directory.Names.Select(name => Report(_directory.Handles[name])).ToArray();
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
}
