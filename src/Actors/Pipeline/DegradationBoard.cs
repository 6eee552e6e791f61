using Orchestrator.Contracts;

namespace Orchestrator.Actors.Pipeline;

/// <summary>
/// Where the priority coordinator publishes its decisions, and where the hot path reads them: one immutable
/// <see cref="DegradationStatus"/> swapped atomically. Reading it costs a volatile read; nobody asks the
/// coordinator on the way of a call.
/// </summary>
internal sealed class DegradationBoard
{
    private volatile DegradationStatus _current = DegradationStatus.AllOn;

    /// <summary>The decisions in force.</summary>
    public DegradationStatus Current => _current;

    /// <summary>Publishes new decisions (the coordinator only).</summary>
    public void Publish(DegradationStatus status) => _current = status ?? throw new ArgumentNullException(nameof(status));
}
