namespace Orchestrator.Bench.Scenarios.Ways;

/// <summary>
/// The ways a scenario runs: every scenario the first three; a flood scenario also
/// <see cref="OrchestratorCountingCallerErrors"/>; a scenario with a hedge delay (<c>Scenario.HedgeDelay</c>) also the
/// three hedging ways.
/// </summary>
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
    /// <summary>
    /// <see cref="Polly"/> with Polly.Core's hedging strategy between the retry and the concurrency limiter: one hedged
    /// attempt (<c>MaxHedgedAttempts</c> 1) after the scenario's fixed hedge delay, each attempt through its own
    /// place in the limiter, the breaker and its own per-attempt timeout. Polly has no retry budget: its hedges are
    /// not capped by one. Everything else as <see cref="Polly"/>.
    /// </summary>
    PollyHedging,
    /// <summary>
    /// <see cref="Orchestrator"/> with hedging: one hedge per call (<c>Hedging.MaxHedges</c> 1) after the scenario's
    /// fixed hedge delay, on the dependency itself. A hedge is paid from the retry budget, so the budget is raised
    /// from 10% to 20% of the first attempts (<c>Retry.BudgetRatio</c> 0.2: room for hedges of 10 to 20% of the calls,
    /// with the retries). Everything else as <see cref="Orchestrator"/>.
    /// </summary>
    OrchestratorHedging,
    /// <summary>
    /// <see cref="OrchestratorHedging"/> with the delay taken from the dependency's answers: their 90th percentile
    /// (<c>Hedging.Percentile</c> 90) once 20 were seen, the fixed delay until then. Same budget (20%).
    /// </summary>
    OrchestratorHedgingP90,
}

/// <summary>What the ways are.</summary>
public static class ProtectionKinds
{
    /// <summary>Whether the way hedges slow calls.</summary>
    public static bool Hedges(this ProtectionKind way) =>
        way is ProtectionKind.PollyHedging or ProtectionKind.OrchestratorHedging or ProtectionKind.OrchestratorHedgingP90;
}
