using System.Diagnostics;
using Orchestrator.Actors.Breaker;

namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// One attempt of a call in the actor's hands, from its start to its end: what it holds (a running place and the
/// breaker's permit on the dependency, or a call of the replica), its span, and the token that cancels it when
/// another attempt of the same call answered first (hedged calls only). A call has one at a time, or more while hedged.
/// </summary>
/// <param name="Number">The attempt's number within its call, from 1, in the order the attempts started.</param>
/// <param name="Permit">The breaker's permit (allowed, or a probe); for an attempt on the replica, the replica's own.</param>
/// <param name="Round">For a probe: its half-open round.</param>
/// <param name="IsHedge">A hedge (not the call's first attempt or a retry).</param>
/// <param name="OnReplica">A hedge sent to the dependency's replica (it holds nothing of this dependency).</param>
internal sealed class RunningAttempt(int number, BreakerPermit permit, long round, bool isHedge = false, bool onReplica = false)
{
    public int Number { get; } = number;
    public BreakerPermit Permit { get; } = permit;
    public long Round { get; } = round;
    public bool IsHedge { get; } = isHedge;
    public bool OnReplica { get; } = onReplica;

    /// <summary>The attempt's span (null while nobody traces).</summary>
    public Activity? Span { get; set; }

    /// <summary>Cancels the attempt's work (a hedged call's attempts each have one; null otherwise: the caller's token is used).</summary>
    public CancellationTokenSource? Cancellation { get; init; }

    /// <summary>The caller's cancellation passed on to <see cref="Cancellation"/> (a hedged call with a caller's token).</summary>
    public CancellationTokenRegistration CallerLink { get; init; }

    /// <summary>
    /// The attempt ended: the caller's cancellation no longer reaches it. Unregistered without waiting for a callback
    /// running on the caller's thread (disposing a linked source would wait, on the actor's thread). The source itself
    /// has no timer and needs no disposal.
    /// </summary>
    public void Ended() => CallerLink.Unregister();

    /// <summary>
    /// Cancels the attempt's work, its callbacks off the calling thread (the actor's): a callback that throws ends the
    /// returned task faulted, and never throws here (the source is never disposed).
    /// </summary>
    public void Cancel() => _ = Cancellation?.CancelAsync();
}
