namespace Orchestrator.Actors.Pipeline;

/// <summary>What an attempt's outcome says about the dependency (see <see cref="OutcomeClassifier"/>).</summary>
internal enum OutcomeClass : byte
{
    /// <summary>The dependency answered well: a success for its breaker; the answer goes to the caller.</summary>
    Success,
    /// <summary>
    /// The dependency failed (an exception it is blamed for, a timeout, an answer that counts as a failure): its
    /// breaker records it; a transient one may be retried; else the fallback chain.
    /// </summary>
    Failure,
    /// <summary>The call failed through no fault of the dependency (a bad argument, a 4xx): answered <c>Refused</c>, nothing recorded, no retry, no fallback.</summary>
    CallersFault,
    /// <summary>The caller's deadline cut the attempt (or came before it could start): answered <c>DeadlineExceeded</c>, nothing recorded, no fallback.</summary>
    DeadlineCut,
    /// <summary>The caller cancelled the call: answered <c>Cancelled</c> (an awaiting caller sees its cancellation), nothing recorded, no retry, no fallback.</summary>
    Cancelled,
}
