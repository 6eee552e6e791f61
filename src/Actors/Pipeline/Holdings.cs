namespace Orchestrator.Actors.Pipeline;

/// <summary>What a call in the pipeline holds and must give back when it is answered.</summary>
[Flags]
internal enum Holdings : byte
{
    /// <summary>Nothing.</summary>
    None = 0,
    /// <summary>A place in the node's load shedder.</summary>
    Load = 1,
    /// <summary>A place in the dependency's bulkhead gate (its room).</summary>
    Gate = 2,
}
