using Orchestrator.Actors.Admission;

namespace Orchestrator.Actors.Pipeline;

/// <summary>
/// What every dependency actor and every sender on a node share: the coordinator's published decisions and the
/// load shedder (when enabled). Both are read on the hot path without any message.
/// </summary>
internal sealed record NodeControls(DegradationBoard Board, AdmissionController? Admission)
{
    /// <summary>Nothing switched off and no load shedding: for a dependency actor on its own.</summary>
    public static NodeControls None() => new(new DegradationBoard(), null);
}
