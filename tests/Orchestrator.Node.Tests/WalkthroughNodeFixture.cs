namespace Orchestrator.Node.Tests;

/// <summary>
/// A node as the chaos walkthrough of docs/operations.md runs it, except that its coordinator samples every 100 ms
/// (not every second), so that a feature's cool-down starts within a test's time. Stress itself is not what the
/// walkthrough shows: only bulkhead saturation is weighed, so that a busy test machine's CPU, thread pool or
/// latency cannot make the node Stressed and switch OPTIONAL features off by tier in the middle of it.
/// </summary>
public sealed class WalkthroughNodeFixture : NodeFixture
{
    protected override string[] ExtraArgs =>
    [
        "--Orchestrator:Stress:SampleInterval=00:00:00.100",
        "--Orchestrator:Stress:CpuWeight=0",
        "--Orchestrator:Stress:ProcessWeight=0",
        "--Orchestrator:Stress:LatencyWeight=0",
        "--Orchestrator:Stress:ErrorRateWeight=0",
    ];
}
