using Akka.Actor;

namespace Orchestrator.Contracts;

/// <summary>
/// What few guarded calls set (a timeout of their own, a feature, a reply-to, predicates, a fallback, replica work),
/// kept apart from the call so that a plain call stays small. Written only while its call is built (init
/// accessors), copied for <c>with</c>, never shared between two calls.
/// </summary>
internal sealed class CallExtras
{
    public long TimeoutTicks;
    public string? Feature;
    public IActorRef? ReplyTo;
    public Func<Exception, bool>? ShouldHandle;

    // Typed by the call (GuardedCall<T>), held here untyped.
    public Delegate? Fallback;
    public Delegate? ReplicaWork;
    public Delegate? ShouldHandleResult;

    public CallExtras Copy() => (CallExtras)MemberwiseClone();
}
