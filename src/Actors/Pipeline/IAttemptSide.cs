using Orchestrator.Actors.Breaker;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Pipeline;

/// <summary>
/// Where an attempt ran: the caller's side (which reports outcomes to the dependency's actor) or the actor (which
/// owns the breaker). <see cref="AttemptStage"/> takes every attempt's end through the same steps and asks the side
/// only for what differs: how a place is given back and how an outcome reaches the breaker.
/// </summary>
internal interface IAttemptSide
{
    /// <summary>The dependency's name.</summary>
    string Dependency { get; }

    /// <summary>The dependency's options.</summary>
    DependencyOptions Options { get; }

    /// <summary>The dependency's published breaker (for probes given back).</summary>
    BreakerBoard Board { get; }

    /// <summary>Gives the attempt's running place back; the calls waiting for one must then start.</summary>
    void ReleaseSlot();

    /// <summary>Records an answer of the dependency in its breaker (and retry budget).</summary>
    void RecordSuccess(TimeSpan duration, BreakerPermit permit, long round);

    /// <summary>Records a failure of the dependency in its breaker (and retry budget).</summary>
    void RecordFailure(TimeSpan duration, BreakerPermit permit, long round);

    /// <summary>Counts an attempt that ran out of time.</summary>
    void CountTimeout();

    /// <summary>Logs a problem with a user predicate, if any.</summary>
    void Warn(string? problem);
}
