namespace Orchestrator.Node.Tests;

/// <summary>
/// A node whose recommendations cache is never fresh (FreshFor 0): every call goes to the service, and the cached
/// list only answers when the service cannot (stale-on-error), so that a test need not wait out the fresh time.
/// </summary>
public sealed class CacheNodeFixture : NodeFixture
{
    protected override string[] ExtraArgs => ["--Orchestrator:Dependencies:recommendations:Cache:FreshFor=00:00:00"];
}
