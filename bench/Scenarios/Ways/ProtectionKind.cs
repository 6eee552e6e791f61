namespace Orchestrator.Bench.Scenarios.Ways;

/// <summary>The ways a scenario runs: every scenario the first three; a flood scenario also the fourth.</summary>
public enum ProtectionKind
{
    None,
    Polly,
    Orchestrator,
    /// <summary>
    /// The orchestrator with every exception counted against the dependency (<c>Breaker.ShouldHandle = _ =&gt; true</c>),
    /// as a naive breaker counts them: what a caller's errors would do if they were the dependency's failures.
    /// </summary>
    OrchestratorCountingCallerErrors,
}
