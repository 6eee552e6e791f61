using Polly.CircuitBreaker;

namespace Orchestrator.Bench.Micro;

/// <summary>
/// Every way of <see cref="GuardedCallBenchmarks"/> with the breaker held open (isolated, on both sides): the call is
/// turned away and answered with the fallback value. The orchestrator answers an isolated breaker on the sender's
/// side exactly as an open one within its reset timeout.
/// </summary>
public class OpenBreakerBenchmarks : GuardedCallBenchmarks
{
    protected override int Expected => BenchDependency.Fallback;

    protected override async Task PrepareAsync(InProcessOrchestrator orchestrator, CircuitBreakerManualControl polly)
    {
        await orchestrator.IsolateAsync();
        await polly.IsolateAsync();
    }
}
