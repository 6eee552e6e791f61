using Orchestrator.Contracts;

namespace Orchestrator.Bench.Micro;

/// <summary>
/// The one dependency every micro-benchmark guards, with the same limits on both sides: a 5 s timeout, 100
/// calls at a time with 100 more waiting, and a breaker that opens at a failure ratio of 0.5 over 30 s (at
/// least 10 calls) for 60 s.
/// </summary>
public static class BenchDependency
{
    public const string Name = "bench";
    public const int MaxConcurrency = 100;
    public const int QueueCapacity = 100;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan SamplingWindow = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan BreakFor = TimeSpan.FromSeconds(60);
    public const double FailureRatio = 0.5;
    public const int MinimumThroughput = 10;

    /// <summary>The answer when the call is turned away (the dependency default; Polly returns it too).</summary>
    public const int Fallback = -1;

    /// <summary>The work: an answer that is already there, so that only the guard's cost is measured.</summary>
    public static Task<int> Work(CancellationToken _) => Task.FromResult(42);

    /// <summary>Declares the dependency on <paramref name="options"/>.</summary>
    public static OrchestratorOptions Declare(OrchestratorOptions options) => options.AddDependency(Name, d =>
    {
        d.Timeout = Timeout;
        d.Bulkhead.MaxConcurrency = MaxConcurrency;
        d.Bulkhead.QueueCapacity = QueueCapacity;
        d.Breaker.FailureRatio = FailureRatio;
        d.Breaker.MinimumThroughput = MinimumThroughput;
        d.Breaker.SamplingWindow = SamplingWindow;
        d.Breaker.ResetTimeout = BreakFor;
        d.DefaultFallback = Fallback;
    });
}
