namespace Orchestrator.Node.Tests;

/// <summary>
/// A node whose payments fail fast (timeout 500 ms, breaker open for 1 s) and whose write queue retries quickly,
/// so that a payment outage and its recovery fit in a test's time.
/// </summary>
public sealed class PendingPaymentNodeFixture : NodeFixture
{
    protected override string[] ExtraArgs =>
    [
        "--Orchestrator:Dependencies:payments:Timeout=00:00:00.500",
        "--Orchestrator:Dependencies:payments:Breaker:ResetTimeout=00:00:01",
        "--Orchestrator:WriteQueue:BaseDelay=00:00:00.100",
        "--Orchestrator:WriteQueue:MaxDelay=00:00:00.500",
        "--Orchestrator:WriteQueue:PausedDelay=00:00:00.200",
    ];
}

/// <summary>
/// A node whose write queue gives up after two attempts, 50 ms apart, and whose payments breaker never opens: a
/// queued payment during an outage is poisoned at once. Its payment recovery runs every second.
/// </summary>
public sealed class PoisonNodeFixture : NodeFixture
{
    protected override string[] ExtraArgs =>
    [
        "--Orchestrator:Dependencies:payments:Breaker:FailureThreshold=1000",
        "--Orchestrator:Dependencies:payments:Breaker:MinimumThroughput=1000",
        "--Orchestrator:WriteQueue:MaxAttempts=2",
        "--Orchestrator:WriteQueue:BaseDelay=00:00:00.050",
        "--Orchestrator:WriteQueue:MaxDelay=00:00:00.050",
        "--Shop:PaymentRecoveryInterval=00:00:01",
    ];
}
