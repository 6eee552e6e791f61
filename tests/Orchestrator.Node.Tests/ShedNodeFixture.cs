namespace Orchestrator.Node.Tests;

/// <summary>A node whose load shedder admits one guarded call at a time, so that a second request is shed.</summary>
public sealed class ShedNodeFixture : NodeFixture
{
    protected override string[] ExtraArgs =>
    [
        "--Orchestrator:Admission:Enabled=true",
        "--Orchestrator:Admission:Limit=1",
        "--Orchestrator:Admission:RetryAfter=00:00:02",
        "--Orchestrator:Dependencies:reviews:Timeout=00:00:05",
        "--Orchestrator:Dependencies:inventory:Timeout=00:00:05",
    ];
}
