namespace Orchestrator.Bench.Scenarios.Ways;

/// <summary>Calls the dependency directly: no timeout, no limit, no breaker, no retry; an error falls back (or fails).</summary>
public sealed class NoProtection : IProtection
{
    public async Task<Answer> CallAsync(CallRequest request)
    {
        try
        {
            await request.CallDependencyAsync(CancellationToken.None).ConfigureAwait(false);
            return Answer.Succeeded;
        }
        catch (Exception e)
        {
            return request.AfterError(e);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
