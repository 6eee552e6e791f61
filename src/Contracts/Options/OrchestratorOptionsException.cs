namespace Orchestrator.Contracts;

/// <summary>The orchestrator's options are invalid; the message lists every problem.</summary>
public sealed class OrchestratorOptionsException(IReadOnlyList<string> errors)
    : Exception("Invalid orchestrator options:" + Environment.NewLine + "  - " + string.Join(Environment.NewLine + "  - ", errors))
{
    /// <summary>Each problem, naming the setting and the bad value.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}
