using Polly.CircuitBreaker;

namespace Orchestrator.Bench.Micro;

/// <summary>Every way of <see cref="GuardedCallBenchmarks"/> with the breaker closed: the work runs and answers.</summary>
public class SuccessPathBenchmarks : GuardedCallBenchmarks
{
    protected override int Expected => 42;

    protected override Task PrepareAsync(InProcessOrchestrator orchestrator, CircuitBreakerManualControl polly) => Task.CompletedTask;
}
