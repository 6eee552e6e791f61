namespace Orchestrator.Contracts;

/// <summary>Why a fault command was refused (<see cref="FaultCommandResult.Refusal"/>).</summary>
public enum FaultRefusal
{
    /// <summary>Fault injection is switched off on the node (<c>Orchestrator:Chaos:Enabled</c> is false).</summary>
    Disabled,

    /// <summary>The node declares no dependency of that name.</summary>
    UnknownDependency,

    /// <summary>The fault (or the scope) is not valid; the error names the problem.</summary>
    InvalidFault,

    /// <summary>The dependency's actor did not answer in time.</summary>
    NoAnswer,

    /// <summary>A fault for the cluster, asked of a node that is not an Up member yet.</summary>
    NotUpMember,

    /// <summary>A fault for the cluster that some members did not carry out; the error names them and why.</summary>
    NotEveryMember,
}
