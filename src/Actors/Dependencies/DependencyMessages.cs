using Orchestrator.Contracts;

namespace Orchestrator.Actors.Dependencies;

/// <summary>A call that already entered the dependency's bulkhead gate (sent through a <see cref="DependencyHandle"/>).</summary>
internal sealed record AdmittedCall(GuardedCall Call, bool HoldsAdmission);

/// <summary>A sender's call was turned away by the gate: the bulkhead started rejecting.</summary>
internal sealed record BulkheadRejectingStarted
{
    public static readonly BulkheadRejectingStarted Instance = new();
}

/// <summary>Periodic look at whether the bulkhead still rejects.</summary>
internal sealed record RejectingCheck
{
    public static readonly RejectingCheck Instance = new();
}

/// <summary>A degraded answer (from a fallback run off the actor's thread) is ready.</summary>
internal sealed record Degraded(PendingCall Pending, CallReport Report);

/// <summary>The work of a call ended, with a value or an exception.</summary>
internal sealed record WorkFinished(long Id, int Attempt, object? Value, Exception? Error);

/// <summary>A running attempt reached its timeout.</summary>
internal sealed record AttemptTimedOut(long Id, int Attempt);

/// <summary>A call waited in the queue until its queue deadline.</summary>
internal sealed record QueueWaitEnded(PendingCall Pending);

/// <summary>An open breaker's reset timeout ended: time to look at it again.</summary>
internal sealed record BreakerDue
{
    public static readonly BreakerDue Instance = new();
}

/// <summary>Sent to itself by a crashing dependency actor: the state its next instance takes over.</summary>
internal sealed record AdoptState(DependencyState State);

/// <summary>The exception thrown on purpose by <see cref="CrashDependencyActor"/>.</summary>
public sealed class ChaosCrashException(string dependency)
    : Exception($"Chaos: the actor of dependency '{dependency}' was told to crash.");

/// <summary>A call's backoff ended: try it again.</summary>
internal sealed record RetryDue(PendingCall Pending);

/// <summary>The replica answered a call that the primary could not (or the ask failed).</summary>
internal sealed record ReplicaAnswered(PendingCall Pending, ICallResult? Result, Exception? Error);

internal readonly record struct AttemptTimerKey(long Id);

internal readonly record struct FollowerTimerKey(long Id);

/// <summary>A single-flight follower reached its own deadline before the shared fetch answered.</summary>
internal sealed record FollowerDeadline(PendingCall Follower);

internal readonly record struct RetryTimerKey(long Id);

internal readonly record struct QueueTimerKey(long Id);

/// <summary>Periodic look, while the breaker follows the cluster, at whether the prober still sends news.</summary>
internal sealed record FollowCheck
{
    public static readonly FollowCheck Instance = new();
}
