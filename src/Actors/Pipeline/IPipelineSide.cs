using Orchestrator.Actors.Breaker;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Pipeline;

/// <summary>
/// One side of a dependency that takes calls in: the caller's side (a handle, reading what the actor publishes,
/// lock-free) or the dependency's actor (owning the breaker, the queue and the cache). <see cref="CallPipeline"/>
/// asks it each stage's question in the one fixed order; the side answers from its state and takes what it grants
/// (a place in the shedder, in the gate, a slot, a probe).
/// </summary>
internal interface IPipelineSide
{
    /// <summary>Now, by the dependency's clock.</summary>
    DateTimeOffset Now { get; }

    /// <summary>Whether the call's tier and feature are switched on.</summary>
    bool FeatureAllows(GuardedCall call);

    /// <summary>Takes a place in the node's load shedder for the call's tier; false: shed.</summary>
    bool TryAdmitLoad(GuardedCall call);

    /// <summary>The breaker's word on calls now.</summary>
    BreakerCheck CheckBreaker();

    /// <summary>Takes a place in the dependency's room.</summary>
    GateCheck TryEnterGate(GuardedCall call);

    /// <summary>The cache's word on this call (it may answer it, or make it wait on a fetch in flight).</summary>
    CacheCheck CheckCache(GuardedCall call);

    /// <summary>Takes a slot and the breaker's permit, or queues the call.</summary>
    AttemptCheck TryStartAttempt(GuardedCall call);
}
