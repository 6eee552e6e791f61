using Akka.Actor;
using Akka.Event;
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
    private readonly Dictionary<string, IActorRef> _children = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _stopped = new(StringComparer.Ordinal);
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>The most restarts of one child within <see cref="RestartWindow"/> before it is stopped for good.</summary>
    public const int MaxRestarts = 10;

    /// <summary>The window over which <see cref="MaxRestarts"/> is counted.</summary>
    public static readonly TimeSpan RestartWindow = TimeSpan.FromMinutes(1);

    /// <summary>Creates the supervisor; use <see cref="Props"/>.</summary>
    public DependencySupervisor(OrchestratorOptions options)
    {
        _options = options;

        Receive<GuardedCall>(call =>
        {
            if (_children.TryGetValue(call.Dependency, out var child)) child.Forward(call);
            else (call.ReplyTo ?? Sender).Tell(NotAvailable(call));
        });
        Receive<GetStatus>(m => m.Dependency is null, _ => ReportAll());
        Receive<GetStatus>(m => Route(m.Dependency!, m));
        Receive<IsolateBreaker>(m => Route(m.Dependency, m));
        Receive<ResetBreaker>(m => Route(m.Dependency, m));
        Receive<CrashDependencyActor>(m => Route(m.Dependency, m));
        Receive<Terminated>(t =>
        {
            var name = t.ActorRef.Path.Name;
            if (!_children.Remove(name)) return;
            _stopped[name] = $"The actor of '{name}' was stopped after {MaxRestarts} crashes within {RestartWindow}.";
            _log.Error("Dependency {Dependency} actor stopped for good after repeated crashes; its calls now fail at once", name);
        });
    }

    /// <summary>Props for the supervisor of the dependencies in <paramref name="options"/>.</summary>
    public static Props Props(OrchestratorOptions options) => Akka.Actor.Props.Create(() => new DependencySupervisor(options));

    /// <inheritdoc />
    protected override void PreStart()
    {
        foreach (var (name, dependency) in _options.Dependencies)
        {
            var child = Context.ActorOf(DependencyActor.Props(name, dependency, _options.TimeProvider), name);
            Context.Watch(child);
            _children[name] = child;
        }
        _log.Info("Orchestrator guards {DependencyCount} dependencies: {Dependencies}", _children.Count, string.Join(", ", _children.Keys));
    }

    /// <inheritdoc />
    /// <remarks>The crashing child logs its own structured event (with the dependency), so the strategy does not log again.</remarks>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(MaxRestarts, (int)RestartWindow.TotalMilliseconds, Decider.From(Directive.Restart), loggingEnabled: false);

    private void Route(string dependency, object message)
    {
        if (_children.TryGetValue(dependency, out var child)) child.Forward(message);
        else Sender.Tell(new UnknownDependency(dependency, Known()));
    }

    private void ReportAll()
    {
        var sender = Sender;
        var asks = _children.Values.Select(c => c.Ask<DependencyStatus>(GetStatus.All, TimeSpan.FromSeconds(5))).ToArray();
        Task.WhenAll(asks).PipeTo(sender, success: all => new OrchestratorStatus(all));
    }

    private ICallResult NotAvailable(GuardedCall call)
    {
        var (reason, detail) = _stopped.TryGetValue(call.Dependency, out var why)
            ? (DegradationReason.ActorFailure, why)
            : (DegradationReason.UnknownDependency, new UnknownDependency(call.Dependency, Known()).Message);
        return call.ToResult(new CallReport(CallOutcome.Rejected, null, reason, null, null, detail, TimeSpan.Zero, 0));
    }

    private IReadOnlyList<string> Known() => _options.Dependencies.Keys.ToList();
}
