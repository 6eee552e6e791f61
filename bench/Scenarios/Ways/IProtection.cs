using Orchestrator.Contracts;

namespace Orchestrator.Bench.Scenarios.Ways;

/// <summary>One way of calling the dependencies: no protection, a Polly pipeline per dependency, or the orchestrator.</summary>
public interface IProtection : IAsyncDisposable
{
    /// <summary>Runs one request and says what its caller got.</summary>
    Task<Answer> CallAsync(CallRequest request);

    /// <summary>The stress level now, for a way that has one (the orchestrator); null otherwise.</summary>
    Task<StressLevel?> LevelAsync() => Task.FromResult<StressLevel?>(null);
}
