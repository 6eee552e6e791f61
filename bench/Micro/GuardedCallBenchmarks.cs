using Akka.Actor;
using BenchmarkDotNet.Attributes;
using Orchestrator.Contracts;
using Polly;

namespace Orchestrator.Bench.Micro;

/// <summary>
/// The cost of one call through each way, one call at a time (latency, not throughput): a direct call, a Polly
/// pipeline with the same strategies, and the orchestrator by ask (through the supervisor, or the dependency's
/// handle), by tell (to the supervisor, or the handle; the result told to an actor) and through the typed client.
/// Subclasses choose the breaker's state.
/// </summary>
[MemoryDiagnoser]
public abstract class GuardedCallBenchmarks
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private InProcessOrchestrator _orchestrator = null!;
    private ResiliencePipeline _polly = null!;

    /// <summary>What a caller expects back: the work's answer, or the fallback with the breaker open.</summary>
    protected abstract int Expected { get; }

    /// <summary>Sets the breaker of both the orchestrator and the Polly pipeline.</summary>
    protected abstract Task PrepareAsync(InProcessOrchestrator orchestrator, Polly.CircuitBreaker.CircuitBreakerManualControl polly);

    [GlobalSetup]
    public void Setup()
    {
        _orchestrator = InProcessOrchestrator.StartAsync().GetAwaiter().GetResult();
        var control = new Polly.CircuitBreaker.CircuitBreakerManualControl();
        _polly = PollyPipeline.Build(control);
        PrepareAsync(_orchestrator, control).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _orchestrator.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "direct call")]
    public async Task<int> Direct()
    {
        try
        {
            return await BenchDependency.Work(CancellationToken.None);
        }
        catch (Exception)
        {
            return BenchDependency.Fallback;
        }
    }

    [Benchmark(Description = "Polly pipeline")]
    public ValueTask<int> Polly() => PollyPipeline.CallAsync(_polly, BenchDependency.Fallback);

    [Benchmark(Description = "ask supervisor")]
    public async Task<int> AskSupervisor() =>
        Check(await _orchestrator.Dependencies.Ask<CallResult<int>>(InProcessOrchestrator.NewCall(), AskTimeout));

    [Benchmark(Description = "ask handle")]
    public async Task<int> AskHandle() =>
        Check((CallResult<int>)await _orchestrator.Handle.AskAsync(InProcessOrchestrator.NewCall(), AskTimeout));

    [Benchmark(Description = "tell supervisor")]
    public Task TellSupervisor()
    {
        var done = _orchestrator.Sink.Expect(1);
        _orchestrator.Dependencies.Tell(InProcessOrchestrator.NewCall() with { ReplyTo = _orchestrator.Sink.Actor }, ActorRefs.Nobody);
        return done;
    }

    [Benchmark(Description = "tell handle")]
    public Task TellHandle()
    {
        var done = _orchestrator.Sink.Expect(1);
        _orchestrator.Handle.Tell(InProcessOrchestrator.NewCall() with { ReplyTo = _orchestrator.Sink.Actor }, ActorRefs.Nobody);
        return done;
    }

    [Benchmark(Description = "typed client")]
    public async Task<int> Client() => Check(await _orchestrator.Client.CallAsync(InProcessOrchestrator.NewCall()));

    private int Check(CallResult<int> result) =>
        result.Value == Expected ? result.Value : throw new InvalidOperationException($"Unexpected result: {result}");
}
