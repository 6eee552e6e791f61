namespace Orchestrator.Bench.Scenarios.Ways;

/// <summary>One way of calling the dependencies: no protection, a Polly pipeline per dependency, or the orchestrator.</summary>
public interface IProtection : IAsyncDisposable
{
    /// <summary>Runs one request and says what its caller got.</summary>
    Task<Answer> CallAsync(CallRequest request);
}
