using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Admission;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Actors.Time;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// What of an orchestrator outlives its actors: the node's controls (the coordinator's board, the load shedder) and
/// every dependency's handle (its breaker board, bulkhead, cache and counts). Made once with the orchestrator's
/// Props; a restarted guardian or supervisor takes the same one, so the callers' handles, the typed client and the
/// coordinator keep working across restarts, and nothing they hold is lost.
/// </summary>
internal sealed class OrchestratorRuntime
{
    private readonly Lock _making = new();
    private DependencyDirectory? _directory;

    /// <summary>Creates the runtime of <paramref name="options"/>; <paramref name="controls"/> default to the options' own.</summary>
    public OrchestratorRuntime(OrchestratorOptions options, NodeControls? controls = null)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Controls = controls ?? new NodeControls(new DegradationBoard(), options.Admission.Enabled ? new AdmissionController(options.Admission) : null);
    }

    /// <summary>The options.</summary>
    public OrchestratorOptions Options { get; }

    private IActorRef? _clusterState;

    /// <summary>The cluster-state actor, once the guardian adopted one (Orchestrator.Clustering): fault commands for the whole cluster go there.</summary>
    internal IActorRef? ClusterState
    {
        get => Volatile.Read(ref _clusterState);
        set => Volatile.Write(ref _clusterState, value);
    }
    /// <summary>The node's controls, read by every call.</summary>
    public NodeControls Controls { get; }

    /// <summary>The dependencies' handles, made on the first call (with the actor system's clock unless the options give one).</summary>
    public DependencyDirectory DirectoryFor(ActorSystem system)
    {
        if (_directory is { } made) return made;
        lock (_making) // once per orchestrator, at start-up (a supervisor's PreStart); never on a call's way
        {
            if (_directory is not null) return _directory;
            var time = Options.TimeProvider ?? SchedulerTimeProvider.For(system);
            var log = Logging.GetLogger(system, typeof(DependencyHandle));
            var handles = new Dictionary<string, DependencyHandle>(StringComparer.Ordinal);
            foreach (var (name, dependency) in Options.Dependencies)
            {
                var handle = new DependencyHandle(name, dependency, time, Controls) { Log = log };
                if (handle.Threads is { } threads) system.RegisterOnTermination(threads.Dispose);
                handles[name] = handle;
            }
            var directory = new DependencyDirectory(handles, Options.Dependencies.Keys.ToList());
            foreach (var handle in handles.Values) handle.Directory = directory; // for the replica step of their fallback chains
            return _directory = directory;
        }
    }
}
