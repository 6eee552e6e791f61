using System.Collections.Immutable;
using Akka.Actor;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Observability;

/// <summary>
/// The process-wide registry of what running orchestrators publish (<see cref="TelemetrySource"/>): an immutable
/// list swapped by compare-and-swap, so that an observable instrument's callback (on the exporter's thread) reads
/// it without a lock and without asking any actor. An orchestrator registers when its guardian starts and leaves
/// when its actor system terminates.
/// </summary>
/// <remarks>
/// A process normally runs one orchestrator. Where it runs several (tests), the observable instruments report each
/// of them, and two with the same dependency names report the same series.
/// </remarks>
internal static class TelemetrySources
{
    private static ImmutableList<TelemetrySource> _orchestrators = [];

    /// <summary>The orchestrators running now.</summary>
    public static IReadOnlyList<TelemetrySource> Orchestrators => Volatile.Read(ref _orchestrators);

    /// <summary>The orchestrator running in <paramref name="system"/>; null if none has started there.</summary>
    public static TelemetrySource? For(ActorSystem system)
    {
        foreach (var source in Orchestrators)
            if (ReferenceEquals(source.System, system)) return source;
        return null;
    }

    /// <summary>
    /// Registers the orchestrator of <paramref name="system"/> until the actor system terminates (once: a restarted
    /// guardian, with the same handles, changes nothing).
    /// </summary>
    internal static void Track(ActorSystem system, DependencyDirectory directory, NodeControls controls, IReadOnlyDictionary<string, FeatureOptions> features)
    {
        OrchestratorGauges.EnsureCreated();
        if (For(system) is { } known && ReferenceEquals(known.Directory, directory)) return;
        var source = new TelemetrySource(system, directory, controls, features);
        ImmutableInterlocked.Update(ref _orchestrators, list => list.Add(source));
        system.RegisterOnTermination(() => ImmutableInterlocked.Update(ref _orchestrators, list => list.Remove(source)));
    }
}
