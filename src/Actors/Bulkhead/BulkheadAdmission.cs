namespace Orchestrator.Actors.Bulkhead;

/// <summary>The bulkhead's answer to a call that arrives.</summary>
internal enum BulkheadAdmission
{
    /// <summary>A slot was free and is now the call's: run it.</summary>
    Run,
    /// <summary>No slot was free; the call waits in the queue.</summary>
    Queued,
    /// <summary>No slot and no room in the queue: reject the call at once.</summary>
    Rejected,
}
