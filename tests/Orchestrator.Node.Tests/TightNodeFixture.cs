namespace Orchestrator.Node.Tests;

/// <summary>
/// A node whose recommendations breaker recovers quickly (reset timeout 300 ms) and whose reviews bulkhead holds
/// one call and no queue, so that recovery and saturation can be watched in a test's time.
/// </summary>
public sealed class TightNodeFixture : NodeFixture
{
    protected override string[] ExtraArgs =>
    [
        "--Orchestrator:Dependencies:recommendations:Breaker:ResetTimeout=00:00:00.300",
        "--Orchestrator:Dependencies:reviews:Timeout=00:00:05",
        "--Orchestrator:Dependencies:reviews:Bulkhead:MaxConcurrency=1",
        "--Orchestrator:Dependencies:reviews:Bulkhead:QueueCapacity=0",
    ];
}
