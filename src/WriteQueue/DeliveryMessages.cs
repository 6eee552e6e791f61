using Orchestrator.Contracts;

namespace Orchestrator.WriteQueue;

// The write queue's messages to itself.

/// <summary>A delivery's guarded call answered (<paramref name="Result"/>) or the ask failed (<paramref name="Error"/>).</summary>
internal sealed record DeliveryFinished(string Id, ICallResult? Result, Exception? Error);

/// <summary>The backoff of a failed entry is over.</summary>
internal sealed record RetryDue(string Id);

/// <summary>Deliveries to a paused target may go on.</summary>
internal sealed record ResumeTarget(string Target);

/// <summary>The wait of a <see cref="StopDeliveries"/> is over: answer it, whatever is still in flight.</summary>
internal sealed record StopWaitOver
{
    public static readonly StopWaitOver Instance = new();
}
