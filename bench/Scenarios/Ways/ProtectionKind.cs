namespace Orchestrator.Bench.Scenarios.Ways;

/// <summary>The three ways every scenario runs.</summary>
public enum ProtectionKind
{
    None,
    Polly,
    Orchestrator,
}
