namespace Orchestrator.Contracts;

/// <summary>What an injected fault does to the calls of a dependency (each call, or a share of them: <see cref="Fault.Rate"/>).</summary>
public enum FaultKind
{
    /// <summary>The call fails with an <see cref="InjectedFaultException"/> instead of running its work: a failure of the dependency.</summary>
    Error,

    /// <summary>The work runs after an added delay (<see cref="Fault.Latency"/>, plus up to <see cref="Fault.Jitter"/>); a delay past the timeout times the call out.</summary>
    Latency,

    /// <summary>The call never answers: it ends at its timeout (or deadline), as with a dependency that hangs.</summary>
    Hang,

    /// <summary>The call answers <see cref="Fault.Result"/> without running its work (a wrong or empty answer, say).</summary>
    Result,
}
