namespace Orchestrator.Node.Configuration;

/// <summary>The node's own settings (sections <c>Cluster</c>, <c>Downstream</c> and <c>Shop</c>) are invalid; the message lists every problem.</summary>
public sealed class NodeConfigurationException(IReadOnlyList<string> errors)
    : Exception("Invalid node configuration:" + Environment.NewLine + "  - " + string.Join(Environment.NewLine + "  - ", errors))
{
    /// <summary>Each problem, naming the setting and the bad value.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}
